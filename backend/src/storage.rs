//! Where file contents live: content-addressed (the SHA-256 of the bytes names them) behind
//! `object_store`'s interface — a folder on local disk by default, any S3-compatible object
//! store (`s3://bucket/prefix`, credentials from the usual `AWS_*` variables) for several
//! instances. Identical contents are stored once. No name from a client ever reaches a path.
//! Beside the contents, a few records the server names itself and keeps out of the database's
//! reach (the audit log's signed checkpoints, under `audit/`).

use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::domain::application::sha256_hex;

/// The contents store.
#[derive(Clone, Debug)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// A name the server makes for its own records: under `audit/`, plain characters only.
fn named(name: &str) -> bool {
    name.starts_with("audit/")
        && !name.contains("..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
}

/// `sha256/ab/abcdef…`: the only shape a stored content's name has.
fn location(sha256: &str) -> anyhow::Result<Path> {
    anyhow::ensure!(is_hash(sha256), "not a SHA-256: {sha256}");
    Ok(Path::from(format!("sha256/{}/{sha256}", &sha256[..2])))
}

impl Files {
    /// Opens the store at `url`: a folder path or `file:///…` (created if missing), or
    /// `s3://bucket[/prefix]`, or `memory:` (kept in memory: tests).
    pub fn open(url: &str) -> anyhow::Result<Files> {
        Files::open_with(url, &[])
    }

    /// As [`Files::open`], with S3 settings given here over the environment's (`endpoint`,
    /// `allow_http`, `access_key_id`, `secret_access_key`, `region`, … — object_store's keys).
    pub fn open_with(url: &str, s3_options: &[(&str, &str)]) -> anyhow::Result<Files> {
        let store: Arc<dyn ObjectStore> = if url == "memory:" {
            Arc::new(object_store::memory::InMemory::new())
        } else if url.starts_with("s3://") {
            let parsed = url::Url::parse(url)?;
            let bucket = parsed.host_str().unwrap_or_default();
            let mut builder =
                object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
            for (key, value) in s3_options {
                builder = builder.with_config(key.parse()?, *value);
            }
            let s3 = builder.build()?;
            let prefix = parsed.path().trim_matches('/');
            if prefix.is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
            }
        } else {
            let dir = url.strip_prefix("file://").unwrap_or(url);
            std::fs::create_dir_all(dir)?;
            Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?)
        };
        Ok(Files { store })
    }

    /// Stores `bytes` under their SHA-256 unless that content is there already; returns it.
    pub async fn put(&self, bytes: Vec<u8>) -> anyhow::Result<String> {
        let sha = sha256_hex(&bytes);
        let at = location(&sha)?;
        if self.store.head(&at).await.is_err() {
            self.store.put(&at, PutPayload::from(bytes)).await?;
        }
        Ok(sha)
    }

    pub async fn get(&self, sha256: &str) -> anyhow::Result<Vec<u8>> {
        let at = location(sha256)?;
        Ok(self.store.get(&at).await?.bytes().await?.to_vec())
    }

    /// Keeps `bytes` under a name the server made (`audit/checkpoints/000000000042.json`).
    pub async fn put_named(&self, name: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        anyhow::ensure!(named(name), "not a server-made name: {name}");
        self.store
            .put(&Path::from(name), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// What is kept under `name`.
    pub async fn get_named(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        anyhow::ensure!(named(name), "not a server-made name: {name}");
        Ok(self
            .store
            .get(&Path::from(name))
            .await?
            .bytes()
            .await?
            .to_vec())
    }

    /// The names kept under `prefix`, in order.
    pub async fn names(&self, prefix: &str) -> anyhow::Result<Vec<String>> {
        use futures_util::TryStreamExt;
        anyhow::ensure!(named(prefix), "not a server-made name: {prefix}");
        let metas: Vec<_> = self
            .store
            .list(Some(&Path::from(prefix)))
            .try_collect()
            .await?;
        let mut names: Vec<String> = metas.into_iter().map(|m| m.location.to_string()).collect();
        names.sort();
        Ok(names)
    }

    /// Every stored content: its SHA-256 and when it was last written (Unix seconds).
    pub async fn stored(&self) -> anyhow::Result<Vec<(String, i64)>> {
        use futures_util::TryStreamExt;
        let metas: Vec<_> = self
            .store
            .list(Some(&Path::from("sha256")))
            .try_collect()
            .await?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                let name = m.location.filename()?.to_string();
                is_hash(&name).then(|| (name, m.last_modified.timestamp()))
            })
            .collect())
    }

    /// Removes a content (nothing if it is not there).
    pub async fn delete(&self, sha256: &str) -> anyhow::Result<()> {
        let at = location(sha256)?;
        match self.store.delete(&at).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn identical_contents_are_stored_once_under_their_hash() {
        let dir = std::env::temp_dir().join(format!("lianban-files-{}", rand::random::<u32>()));
        let files = Files::open(dir.to_str().expect("utf-8")).expect("opens");
        let a = files.put(b"%PDF-1.7 same".to_vec()).await.expect("put");
        let b = files.put(b"%PDF-1.7 same".to_vec()).await.expect("put");
        assert_eq!(a, b);
        assert_eq!(files.get(&a).await.expect("get"), b"%PDF-1.7 same");
        let stored: Vec<_> = walk(&dir);
        assert_eq!(stored.len(), 1, "{stored:?}");
        assert!(stored[0].ends_with(&a));
        assert!(files.get("../../etc/passwd").await.is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    fn walk(dir: &std::path::Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p.display().to_string());
            }
        }
        out
    }
}
