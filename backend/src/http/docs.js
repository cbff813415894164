// Lianban's mends to Swagger UI's markup as it draws (served as /api/docs/lianban.js), for
// screen readers and keyboards: each icon-only button gets a name; a button whose name leaves
// out its visible word ("Authorize" named "Apply credentials") gets the word first; each code
// block that may scroll gets a place in the tab order, so it can be scrolled from the keyboard.
const named = { '.copy-to-clipboard button': 'Copy to clipboard', 'button.close-modal': 'Close' };

new MutationObserver(() => {
  for (const [selector, name] of Object.entries(named)) {
    for (const b of document.querySelectorAll(`${selector}:not([aria-label])`)) {
      b.setAttribute('aria-label', name);
    }
  }
  for (const b of document.querySelectorAll('.swagger-ui button[aria-label]')) {
    const word = b.textContent.trim();
    const label = b.getAttribute('aria-label');
    if (word && !label.toLowerCase().includes(word.toLowerCase())) {
      b.setAttribute('aria-label', `${word}: ${label}`);
    }
  }
  for (const pre of document.querySelectorAll('.swagger-ui pre:not([tabindex])')) {
    pre.tabIndex = 0;
  }
}).observe(document.body, { childList: true, subtree: true });
