//! The `agilis` command line, driven as other tools drive it: argument
//! names, stdin/stdout conventions and exit statuses are a contract.

use std::process::Output;

use serde_json::Value;

mod common;
use common::stderr;

fn agilis(args: &[&str], stdin: &[u8]) -> Output {
    common::run_with_stdin(args, stdin)
}

fn suites_json(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["suites", "--json"];
    all.extend_from_slice(args);
    let o = agilis(&all, b"");
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice::<Value>(&o.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn suites_json_lists_every_required_algorithm_with_its_fields() {
    let items = suites_json(&[]);
    let names: Vec<&str> = items.iter().map(|v| v["name"].as_str().unwrap()).collect();
    for required in [
        "ml-kem-512",
        "ml-kem-768",
        "ml-kem-1024",
        "x25519",
        "hqc-128",
        "hqc-192",
        "hqc-256",
        "ml-dsa-44",
        "ml-dsa-65",
        "ml-dsa-87",
        "falcon-512",
        "falcon-1024",
        "ed25519",
        "slh-dsa-shake-128f",
        "ascon-aead128",
        "aes-256-gcm",
        "chacha20-poly1305",
        "hkdf-sha256",
        "hkdf-sha384",
        "ascon-kdf128",
        "x-wing",
        "ml-kem-1024+x25519",
        "ml-kem-1024+hqc-256",
        "ml-kem-512+x25519",
        "ml-dsa-65+ed25519",
        "ml-dsa-87+slh-dsa-shake-256f",
        "falcon-512+ed25519",
        "ml-dsa-44+ed25519",
    ] {
        assert!(
            names.contains(&required),
            "{required} missing from `agilis suites --json`"
        );
    }
    for v in &items {
        for field in [
            "name",
            "codepoint",
            "kind",
            "families",
            "category",
            "components",
        ] {
            assert!(v.get(field).is_some(), "{} lacks {field}", v["name"]);
        }
        assert!(v["families"].as_array().is_some() && v["components"].as_array().is_some());
    }
    let xwing = items.iter().find(|v| v["name"] == "x-wing").unwrap();
    assert_eq!(
        xwing["components"],
        serde_json::json!(["ml-kem-768", "x25519"])
    );
    assert_eq!(
        xwing["families"],
        serde_json::json!(["module-lattice", "elliptic-curve"])
    );
}

#[test]
fn suites_withdrawal_and_profile_filter() {
    let items = suites_json(&["--withdraw", "module-lattice"]);
    assert!(items.iter().all(|v| {
        !v["families"]
            .as_array()
            .unwrap()
            .contains(&Value::from("module-lattice"))
    }));
    assert!(items.iter().any(|v| v["name"] == "hqc-256+x25519"));

    let anchor = suites_json(&["--profile", "anchor"]);
    assert!(anchor.iter().all(|v| v["kind"] == "aead"
        || v["kind"] == "kdf"
        || v["components"].as_array().unwrap().len() == 2));

    let o = agilis(&["suites", "--withdraw", "no-such-family"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-family"));
    let o = agilis(&["suites", "--profile", "nope"], b"");
    assert_eq!(o.status.code(), Some(2));
}

fn aead_args<'a>(op: &'a str, suite: &'a str, key: &'a str, nonce: &'a str) -> Vec<&'a str> {
    vec![
        "aead", op, "--suite", suite, "--key", key, "--nonce", nonce, "--aad", "0a0b",
    ]
}

#[test]
fn aead_seal_open_round_trip_every_suite() {
    for v in suites_json(&[]).iter().filter(|v| v["kind"] == "aead") {
        let suite = v["name"].as_str().unwrap();
        let key = "11".repeat(v["sizes"]["key"].as_u64().unwrap() as usize);
        let nonce = "22".repeat(v["sizes"]["nonce"].as_u64().unwrap() as usize);
        let pt = b"plaintext with \x00 binary \xff bytes";
        let sealed = agilis(&aead_args("seal", suite, &key, &nonce), pt);
        assert!(sealed.status.success(), "{suite}: {}", stderr(&sealed));
        assert_eq!(sealed.stdout.len(), pt.len() + 16);
        let opened = agilis(&aead_args("open", suite, &key, &nonce), &sealed.stdout);
        assert!(opened.status.success(), "{suite}: {}", stderr(&opened));
        assert_eq!(opened.stdout, pt);

        // Tampered: nothing on stdout, status 1, a message on stderr.
        let mut bad = sealed.stdout.clone();
        bad[3] ^= 0x40;
        let o = agilis(&aead_args("open", suite, &key, &nonce), &bad);
        assert_eq!(o.status.code(), Some(1), "{suite}");
        assert!(
            o.stdout.is_empty(),
            "{suite}: released unauthenticated data"
        );
        assert!(
            stderr(&o).contains("authentication failed"),
            "{suite}: {}",
            stderr(&o)
        );
        // Too short to hold a tag.
        let o = agilis(&aead_args("open", suite, &key, &nonce), &sealed.stdout[..5]);
        assert_ne!(o.status.code(), Some(0));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn aead_output_matches_the_library() {
    use agilis_suites::aead::AeadKey;
    use agilis_suites::registry::codepoint;
    let key = [7u8; 32];
    let nonce = [9u8; 12];
    let expected = AeadKey::new(codepoint::AES_256_GCM, &key)
        .unwrap()
        .seal(&nonce, &[0x0a, 0x0b], b"hi")
        .unwrap();
    let o = agilis(
        &aead_args(
            "seal",
            "aes-256-gcm",
            &hex::encode(key),
            &hex::encode(nonce),
        ),
        b"hi",
    );
    assert_eq!(o.stdout, expected);
}

#[test]
fn aead_malformed_arguments_exit_2_and_name_the_problem() {
    let k32 = "00".repeat(32);
    let n12 = "00".repeat(12);
    for (args, needle) in [
        (aead_args("seal", "aes-256-gcm", "0011", &n12), "--key"),
        (aead_args("seal", "aes-256-gcm", &k32, "00"), "--nonce"),
        (aead_args("seal", "aes-256-gcm", "zz", &n12), "--key"),
        (aead_args("seal", "aes-256-gcm", &k32, "abc"), "--nonce"),
        (aead_args("seal", "rot13", &k32, &n12), "rot13"),
        (aead_args("seal", "x-wing", &k32, &n12), "x-wing"),
    ] {
        let o = agilis(&args, b"data");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
        assert!(
            stderr(&o).contains(needle),
            "{args:?}: message should name {needle}: {}",
            stderr(&o)
        );
    }
}

fn lines(o: &Output) -> Vec<(String, String)> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .filter_map(|l| {
            l.split_once(": ")
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
        .collect()
}

#[test]
fn kem_keygen_encaps_decaps_hex_and_files() {
    // hex, through a hybrid
    let kp = agilis(&["kem", "keygen", "--suite", "x-wing"], b"");
    assert!(kp.status.success());
    let kp = lines(&kp);
    let (pk, sk) = (&kp[0].1, &kp[1].1);
    let enc = agilis(&["kem", "encaps", "--suite", "x-wing", "--pk", pk], b"");
    let enc = lines(&enc);
    let dec = agilis(
        &[
            "kem", "decaps", "--suite", "x-wing", "--sk", sk, "--ct", &enc[0].1,
        ],
        b"",
    );
    assert!(dec.status.success(), "{}", stderr(&dec));
    assert_eq!(String::from_utf8(dec.stdout).unwrap().trim(), enc[1].1);

    // files, through a code-based hybrid
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("edge");
    let ct = dir.path().join("ct");
    let ss = dir.path().join("ss");
    let key_s = key.to_str().unwrap();
    assert!(
        agilis(
            &[
                "kem",
                "keygen",
                "--suite",
                "ml-kem-1024+hqc-256",
                "--out",
                key_s
            ],
            b""
        )
        .status
        .success()
    );
    let o = agilis(
        &[
            "kem",
            "keygen",
            "--suite",
            "ml-kem-1024+hqc-256",
            "--out",
            key_s,
        ],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "must not overwrite a key: {}",
        stderr(&o)
    );
    let pk_arg = format!("@{key_s}.pub");
    assert!(
        agilis(
            &[
                "kem",
                "encaps",
                "--suite",
                "ml-kem-1024+hqc-256",
                "--pk",
                &pk_arg,
                "--out",
                ct.to_str().unwrap()
            ],
            b""
        )
        .status
        .success()
    );
    let o = agilis(
        &[
            "kem",
            "decaps",
            "--suite",
            "ml-kem-1024+hqc-256",
            "--sk",
            &format!("@{key_s}"),
            "--ct",
            &format!("@{}", ct.display()),
            "--out",
            ss.to_str().unwrap(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let sent = std::fs::read(format!("{}.ss", ct.display())).unwrap();
    assert_eq!(std::fs::read(&ss).unwrap(), sent);
    assert_eq!(sent.len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // wrong-length public key: status 2, names the flag
    let o = agilis(&["kem", "encaps", "--suite", "x-wing", "--pk", "00"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--pk"), "{}", stderr(&o));
    let o = agilis(
        &[
            "kem",
            "encaps",
            "--suite",
            "x-wing",
            "--pk",
            "@/nonexistent/pk",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn sign_keygen_sign_verify_composite() {
    let suite = "ml-dsa-65+ed25519";
    let kp = lines(&agilis(&["sign", "keygen", "--suite", suite], b""));
    let (pk, sk) = (&kp[0].1, &kp[1].1);
    let s = agilis(
        &["sign", "sign", "--suite", suite, "--sk", sk],
        b"transcript",
    );
    assert!(s.status.success(), "{}", stderr(&s));
    let sig = String::from_utf8(s.stdout).unwrap().trim().to_string();
    let ok = agilis(
        &[
            "sign", "verify", "--suite", suite, "--pk", pk, "--sig", &sig,
        ],
        b"transcript",
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    let bad = agilis(
        &[
            "sign", "verify", "--suite", suite, "--pk", pk, "--sig", &sig,
        ],
        b"transcripT",
    );
    assert_eq!(bad.status.code(), Some(1));
    let msg_hex = hex::encode(b"transcript");
    let ok = agilis(
        &[
            "sign", "verify", "--suite", suite, "--pk", pk, "--sig", &sig, "--msg", &msg_hex,
        ],
        b"",
    );
    assert!(ok.status.success());
    // the same signature presented under another composite fails
    let other = agilis(
        &[
            "sign",
            "verify",
            "--suite",
            "ml-dsa-44+ed25519",
            "--pk",
            pk,
            "--sig",
            &sig,
        ],
        b"transcript",
    );
    assert_ne!(other.status.code(), Some(0));
}

#[test]
fn help_explains_every_command() {
    for args in [
        vec!["--help"],
        vec!["suites", "--help"],
        vec!["aead", "seal", "--help"],
        vec!["kem", "encaps", "--help"],
        vec!["sign", "verify", "--help"],
        vec!["demo", "--help"],
    ] {
        let o = agilis(&args, b"");
        assert!(o.status.success(), "{args:?}");
        assert!(
            String::from_utf8(o.stdout).unwrap().contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn demo_round_trips_a_profile_after_a_withdrawal() {
    let o = agilis(
        &[
            "demo",
            "--profile",
            "constrained",
            "--withdraw",
            "elliptic-curve",
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("fell back: ml-kem-512+x25519 -> ml-kem-512"),
        "{out}"
    );
    assert!(out.contains("suites round-tripped"), "{out}");
    assert!(!out.contains("FAIL"));
}
