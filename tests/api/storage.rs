//! The contents store on an S3-compatible object store — moto's S3 server standing in for any
//! S3 service (`pip install 'moto[server]'`): contents stored under their SHA-256, identical
//! ones once, read back by hash.

use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use backend::storage::Files;

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn python(code: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", code])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test]
async fn contents_round_trip_through_an_s3_compatible_store() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let _server = Server(
        Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m moto.server (pip install 'moto[server]')"),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "moto's S3 server did not start (pip install 'moto[server]')"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = format!(
        "import boto3; s3 = boto3.client('s3', endpoint_url='{endpoint}', aws_access_key_id='test', aws_secret_access_key='test', region_name='us-east-1')"
    );
    python(&format!("{client}; s3.create_bucket(Bucket='lianban')"));

    let files = Files::open_with(
        "s3://lianban/contents",
        &[
            ("endpoint", &endpoint),
            ("allow_http", "true"),
            ("access_key_id", "test"),
            ("secret_access_key", "test"),
            ("region", "us-east-1"),
        ],
    )
    .expect("opens");
    let scan = b"%PDF-1.7 a scan\n%%EOF\n".to_vec();
    let first = files.put(scan.clone()).await.expect("put");
    let again = files.put(scan.clone()).await.expect("put");
    assert_eq!(first, again);
    assert_eq!(files.get(&first).await.expect("get"), scan);
    let keys = python(&format!(
        "{client}; print('\\n'.join(o['Key'] for o in s3.list_objects_v2(Bucket='lianban').get('Contents', [])))"
    ));
    assert_eq!(
        keys,
        format!("contents/sha256/{}/{first}", &first[..2]),
        "stored once, under its hash"
    );
}
