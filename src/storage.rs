//! Where uploaded files live. A small object-store interface (put / get / delete by key) with a
//! local-disk implementation under `ROOST_DATA_DIR/uploads`; an S3-like store can replace it
//! without touching the features. Keys are always chosen by the server.

use std::{
    future::Future,
    io,
    path::{Path, PathBuf},
    pin::Pin,
    sync::Arc,
};

type IoFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

/// An object store addressed by keys such as `avatars/3f2a….jpg`.
pub trait ObjectStore: Send + Sync {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> IoFuture<'a, ()>;
    fn get<'a>(&'a self, key: &'a str) -> IoFuture<'a, Option<Vec<u8>>>;
    fn delete<'a>(&'a self, key: &'a str) -> IoFuture<'a, ()>;
}

pub type Storage = Arc<dyn ObjectStore>;

/// Whether `key` is one the server could have made: folders and a file name, none empty (so
/// `listings/` or `a//b` never names a directory), no traversal, no odd characters.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && !key.contains("..")
        && key.split('/').all(|segment| !segment.is_empty())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/._-".contains(&b))
}

/// A fresh key under `prefix` with the given extension.
pub fn new_key(prefix: &str, extension: &str) -> String {
    format!("{prefix}/{}.{extension}", uuid::Uuid::new_v4().simple())
}

/// Files on the local disk.
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalDisk { root: root.into() }
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if !is_valid_key(key) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid storage key",
            ));
        }
        Ok(self.root.join(key))
    }
}

async fn write_atomically(path: &Path, bytes: Vec<u8>) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    // Write then rename, so a reader never sees half a file.
    let temporary = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
    tokio::fs::write(&temporary, bytes).await?;
    tokio::fs::rename(&temporary, path).await
}

impl ObjectStore for LocalDisk {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> IoFuture<'a, ()> {
        Box::pin(async move { write_atomically(&self.path(key)?, bytes).await })
    }

    fn get<'a>(&'a self, key: &'a str) -> IoFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            match tokio::fs::read(self.path(key)?).await {
                Ok(bytes) => Ok(Some(bytes)),
                // A folder of the store (`listings`) is not an object either.
                Err(error)
                    if matches!(
                        error.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::IsADirectory
                    ) =>
                {
                    Ok(None)
                }
                Err(error) => Err(error),
            }
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> IoFuture<'a, ()> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(key)?).await {
                Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
                _ => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_store() {
        assert!(is_valid_key("avatars/abc123.jpg"));
        assert!(!is_valid_key("../etc/passwd"));
        assert!(!is_valid_key("/etc/passwd"));
        assert!(!is_valid_key("avatars/ABC.jpg"));
        assert!(!is_valid_key(""));
    }

    #[test]
    fn a_key_with_an_empty_segment_names_no_file() {
        assert!(!is_valid_key("listings/"));
        assert!(!is_valid_key("seed//stay-01.jpg"));
        assert!(is_valid_key("seed/stay-01.jpg"));
    }

    #[tokio::test]
    async fn reading_a_folder_finds_nothing() {
        let root = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir_all(root.path().join("listings")).expect("folder");
        let store = LocalDisk::new(root.path());
        assert_eq!(store.get("listings").await.expect("no error"), None);
    }
}
