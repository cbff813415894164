//! The credit platform's export of the dishonesty list (失信名单), fetched over HTTPS on a
//! schedule (plan measure 10: 贯通信用系统平台). The platform's own certificate authority can be
//! given (`--credit-source-ca`): then only it is trusted for this source. What is fetched is
//! checked line by line as an upload is (`domain::credit::parse_list`) by the caller.

use std::path::Path;
use std::time::Duration;

/// The largest export taken (bytes).
const MAX_BYTES: usize = 50 * 1024 * 1024;

/// Where the list comes from, and the client that fetches it.
pub struct CreditSource {
    pub url: String,
    client: reqwest::Client,
}

impl CreditSource {
    /// A source at `url` (`https://`, or `http://` inside the county's network), trusting only
    /// the certificate authority in `ca_file` (PEM) when one is given.
    pub fn new(url: &str, ca_file: Option<&Path>) -> anyhow::Result<CreditSource> {
        let url = url.trim();
        anyhow::ensure!(
            url.starts_with("https://") || url.starts_with("http://"),
            "--credit-source-url must be an https:// address"
        );
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::limited(3));
        if let Some(ca) = ca_file {
            let pem = std::fs::read(ca)
                .map_err(|e| anyhow::anyhow!("--credit-source-ca {}: {e}", ca.display()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| anyhow::anyhow!("--credit-source-ca {}: {e}", ca.display()))?;
            anyhow::ensure!(
                !certs.is_empty(),
                "--credit-source-ca {}: no certificate",
                ca.display()
            );
            builder = builder.tls_certs_only(certs);
        }
        Ok(CreditSource {
            url: url.to_string(),
            client: builder.build()?,
        })
    }

    /// The export as text; what went wrong otherwise (unreachable, refused, not 2xx, too large,
    /// not UTF-8).
    pub async fn fetch(&self) -> Result<String, String> {
        let res = self
            .client
            .get(&self.url)
            .header("Accept", "text/csv")
            .send()
            .await
            .map_err(|e| format!("unreachable: {}", describe(&e)))?;
        if !res.status().is_success() {
            return Err(format!("HTTP {}", res.status().as_u16()));
        }
        if res.content_length().is_some_and(|n| n as usize > MAX_BYTES) {
            return Err("too large".into());
        }
        let bytes = res
            .bytes()
            .await
            .map_err(|e| format!("cut short: {}", describe(&e)))?;
        if bytes.len() > MAX_BYTES {
            return Err("too large".into());
        }
        String::from_utf8(bytes.to_vec()).map_err(|_| "not UTF-8 text".into())
    }
}

/// An error's causes (a TLS refusal is a cause of a connect error), without the address.
fn describe(e: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        parts.push(c.to_string());
        cause = c.source();
    }
    match parts.is_empty() {
        true => "the request failed".into(),
        false => parts.join(": "),
    }
}
