//! openFPGALoader runs against fake `openFPGALoader` scripts that record
//! their arguments and exit with a chosen status.

use super::*;
use std::os::unix::fs::PermissionsExt;

/// A fake openFPGALoader in a temp dir: prints `output` (shell `printf`
/// format) to stderr, records its arguments in `args.txt`, exits `status`.
struct FakeLoader {
    dir: tempfile::TempDir,
}

impl FakeLoader {
    fn new(output: &str, status: i32) -> FakeLoader {
        let dir = tempfile::tempdir().unwrap();
        let script = format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nprintf '{output}' >&2\nexit {status}\n",
            dir.path().join("args.txt").display()
        );
        let path = dir.path().join("openFPGALoader");
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        FakeLoader { dir }
    }

    fn load(&self, cable: &str) -> JtagLoad {
        JtagLoad {
            program: self.dir.path().join("openFPGALoader"),
            ..JtagLoad::new("/tmp/agilis.bit", cable)
        }
    }

    fn args(&self) -> Option<Vec<String>> {
        let text = std::fs::read_to_string(self.dir.path().join("args.txt")).ok()?;
        Some(text.lines().map(str::to_owned).collect())
    }
}

fn run(load: &JtagLoad) -> (Result<(), JtagError>, String) {
    let mut progress = Vec::new();
    let result = load.run(&mut progress);
    (result, String::from_utf8(progress).unwrap())
}

#[test]
fn boards_name_their_parts() {
    assert_eq!(board("LiteFury").unwrap().part, "xc7a100tfgg484");
    assert_eq!(board("nitefury").unwrap().part, "xc7a200tfbg484");
    assert!(board(DEFAULT_BOARD).is_some());
    assert!(board("arty").is_none());
}

#[test]
fn a_successful_load_passes_the_cable_and_file_and_streams_progress() {
    let fake = FakeLoader::new(
        "Open file DONE\\nLoad SRAM: [====   ] 50.00%%\\rLoad SRAM: [=======] 100.00%%\\nDone\\n",
        0,
    );
    let (result, progress) = run(&fake.load("ft2232"));
    result.unwrap();
    assert_eq!(fake.args().unwrap(), ["-c", "ft2232", "/tmp/agilis.bit"]);
    assert!(
        progress.contains("  openFPGALoader: Load SRAM: [====   ] 50.00%\n"),
        "{progress}"
    );
    assert!(
        progress.contains("  openFPGALoader: Load SRAM: [=======] 100.00%\n"),
        "{progress}"
    );
    assert!(progress.ends_with("  openFPGALoader: Done\n"), "{progress}");
}

#[test]
fn a_missing_program_says_how_to_install_it() {
    let load = JtagLoad {
        program: PathBuf::from("/nonexistent/openFPGALoader"),
        ..JtagLoad::new("x.bit", DEFAULT_CABLE)
    };
    let (result, _) = run(&load);
    let e = result.unwrap_err();
    assert!(matches!(e, JtagError::NotInstalled { .. }), "{e:?}");
    assert!(
        e.to_string().contains("apt-get install openfpgaloader"),
        "{e}"
    );
}

/// A fake's output, the cable, the expected error, a phrase of its advice.
type Case = (
    &'static str,
    &'static str,
    fn(&JtagError) -> bool,
    &'static str,
);

#[test]
fn failures_are_classified() {
    // what openFPGALoader 0.10 prints without the cable, and with an unknown one
    let cases: [Case; 4] = [
        (
            "unable to open ftdi device: -3 (device not found)\\nJTAG init failed with: unable to open ftdi device\\n",
            DEFAULT_CABLE,
            |e| matches!(e, JtagError::NoCable { .. }),
            "lsusb",
        ),
        (
            "error : nosuchcable not found\\n",
            "nosuchcable",
            |e| matches!(e, JtagError::UnknownCable { .. }),
            "--list-cables",
        ),
        (
            "No device found\\n",
            DEFAULT_CABLE,
            |e| matches!(e, JtagError::NoDevice { .. }),
            "--detect",
        ),
        (
            "something else broke\\n",
            DEFAULT_CABLE,
            |e| matches!(e, JtagError::Failed { code: Some(3), .. }),
            "something else broke",
        ),
    ];
    for (output, cable, expected, advice) in cases {
        let fake = FakeLoader::new(output, 3);
        let (result, progress) = run(&fake.load(cable));
        let e = result.unwrap_err();
        assert!(expected(&e), "{output}: {e:?}");
        assert!(e.to_string().contains(advice), "{e}");
        assert!(
            progress.contains("openFPGALoader: "),
            "the output is shown: {progress}"
        );
    }
}

#[test]
fn a_hung_load_is_stopped_at_the_deadline() {
    let fake = FakeLoader::new("waiting\\n", 0);
    // replace the script by one that hangs
    let path = fake.dir.path().join("openFPGALoader");
    std::fs::write(&path, "#!/bin/sh\necho waiting >&2\nexec sleep 30\n").unwrap();
    let load = JtagLoad {
        timeout: Duration::from_millis(300),
        ..fake.load(DEFAULT_CABLE)
    };
    let start = Instant::now();
    let (result, _) = run(&load);
    assert!(
        matches!(result, Err(JtagError::Timeout { .. })),
        "{result:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(10));
}
