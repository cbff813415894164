// Lianban's mends to Swagger UI's markup as it draws (served as /api/docs/lianban.js): each
// copy button, which holds only an icon, gets a name; each code block that may scroll gets a
// place in the tab order, so it can be scrolled from the keyboard.
new MutationObserver(() => {
  for (const b of document.querySelectorAll('.copy-to-clipboard button:not([aria-label])')) {
    b.setAttribute('aria-label', 'Copy to clipboard');
  }
  for (const pre of document.querySelectorAll('.swagger-ui pre:not([tabindex])')) {
    pre.tabIndex = 0;
  }
}).observe(document.body, { childList: true, subtree: true });
