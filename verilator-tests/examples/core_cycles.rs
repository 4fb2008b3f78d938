//! Prints each core configuration's cycle counts from `start` to `done` for
//! (message, AD) = (0,0), (16,16) and (1536,1536) bytes, at full speed.
//! `cargo run -p agilis-verilator --example core_cycles`

use agilis_verilator::core::{CoreModel, Job, CORE_CONFIGS};

fn main() {
    if !agilis_verilator::models_or_skip("core_cycles") {
        return;
    }
    println!("{:<16} {:>6} {:>8} {:>12}", "core", "(0,0)", "(16,16)", "(1536,1536)");
    for config in CORE_CONFIGS {
        let Ok(mut core) = CoreModel::new(config.name) else { continue };
        let key = vec![7u8; config.algorithm.key_len()];
        let nonce = vec![9u8; config.algorithm.nonce_len()];
        let cycles: Vec<u64> = [0usize, 16, 1536]
            .iter()
            .map(|&n| {
                let data = vec![0x5a; n];
                core.run(&Job { decrypt: false, key: &key, nonce: &nonce, ad: &data, msg: &data, tag: [0; 16] })
                    .expect("core hung")
                    .cycles
            })
            .collect();
        println!("{:<16} {:>6} {:>8} {:>12}", config.name, cycles[0], cycles[1], cycles[2]);
    }
}
