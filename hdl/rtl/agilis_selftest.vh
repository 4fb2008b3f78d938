// Built-in known-answer test of the self-test command (CONTROL.SELFTEST).
// One message, AD = 30 31 .. 43 (20 bytes), PT = 20 21 .. 33 (20 bytes),
// key = 00 01 .. 1F (Ascon uses bytes 0..15), nonce = 10 11 .. 1F (GCM's IV
// is bytes 0..11). Ascon-AEAD128: Count = 681 of the NIST LWC KAT file
// asconaead128_LWC_AEAD_KAT_128_128.txt. AES-256-GCM: computed with
// python3 cryptography AESGCM. Vectors are little-endian (byte j at
// [8j+7:8j]), zero-padded to whole 16-byte beats. The Rust test
// tests/top_selftest.rs (of the agilis-verilator crate) checks them against the
// software AEADs of agilis-suites.
localparam [31:0]  ST_AD_LEN  = 32'd20;
localparam [31:0]  ST_MSG_LEN = 32'd20;
localparam [255:0] ST_KEY     = 256'h1F1E1D1C1B1A191817161514131211100F0E0D0C0B0A09080706050403020100;
localparam [127:0] ST_NONCE   = 128'h1F1E1D1C1B1A19181716151413121110;
localparam [255:0] ST_AD      = 256'h000000000000000000000000434241403F3E3D3C3B3A39383736353433323130;
localparam [255:0] ST_PT      = 256'h000000000000000000000000333231302F2E2D2C2B2A29282726252423222120;
localparam [255:0] ST_CT_ASCON  = 256'h0000000000000000000000001E9FFC899659C446D30B57718ABBE1E43BDEFDD7;
localparam [127:0] ST_TAG_ASCON = 128'h5D927F425FAAD5DF7327463982FF6A04;
localparam [255:0] ST_CT_AES    = 256'h0000000000000000000000003D7C61E77C47542336225CE2941CEC6D35BADF5D;
localparam [127:0] ST_TAG_AES   = 128'h2A494D4B423FA54A9E7F30261CC4075E;
