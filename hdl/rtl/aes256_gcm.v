// aes256_gcm.v -- AES-256-GCM (NIST SP 800-38D, 96-bit IV, 128-bit tag),
// encryption and decryption, behind the core contract of hdl/README.md.
// Files: aes256_gcm.v, aes_enc_round.v, aes_key256_step.v, aes_sbox.v,
// ghash_step.v, ghash_load.v.  Full notes: docs/hdl-aes256-gcm.md.
//
// DATAPATH (chosen for throughput per LUT)
//  * AES: iterative, one full round per clock (16 table S-boxes, each
//    4 LUT6 + MUXF7/F8 per output bit = 32 LUT6), forward cipher only (GCM
//    never needs the inverse, not even to decrypt).  AES-256 round keys are
//    expanded on the fly in lockstep with the rounds (4 more S-boxes and a
//    256-bit working register, no round-key storage); the initial
//    AddRoundKey is folded into round 1, so a block takes exactly 14 clocks.
//    An unrolled pipeline is ~14x the LUTs (+1.8k pipeline FFs) for 14x the
//    speed -- no better per LUT -- and would need a 1-block/clock GHASH
//    (a full 128x128 multiplier, several thousand LUTs); a 32-bit-column
//    AES saves S-boxes but adds column muxes and takes 4x the clocks.
//  * GHASH: digit-serial GF(2^128) multiplier (ghash_step.v), Horner form,
//    GH_DIGIT = 10 bits per clock -> ceil(128/10) = 13 clocks per block.
//    10 is the smallest digit that keeps GHASH within the 14-clock AES block
//    (9 would need 15), and it is also the LUT6 sweet spot: 2D+1 = 21 inputs
//    per product bit is exactly a depth-2 tree of 4 LUT6 (measured: D=8 552,
//    D=10 540, D=12 676, D=16 984 LUT for the step).  Y ^ X is formed on the
//    fly in the first step, so GHASH blocks run back to back.
//  * Overlap: AES computes keystream block i+1 while GHASH absorbs block i
//    (ciphertext i waits in a one-block X register, so the stream never
//    waits on GHASH); AD is hashed while AES computes the first keystream
//    block; E_K(J0) is computed last, in the shadow of the last two GHASH
//    blocks, and kept in the AES state register until the tag is formed.
//  * H = E_K(0^128) is cached (H_CACHE = 1): recomputed only when the key
//    differs from the previous message's (a 256-bit compare at start, ~110
//    LUT), saving 13-14 clocks on every message.  The latency therefore
//    shows whether two consecutive messages on this core used the same key;
//    H_CACHE = 0 gives key-independent timing.
//
// CYCLES from the clock `start` is accepted to the clock `done` is high,
// streams never stalled, A = ceil(ad_len/16), M = ceil(msg_len/16), H
// cached (add 13-14 when H is computed):
//    M = 0:  13(A+1) + 3            (+1 if A = 0 as well)
//    M > 0:  max(14M + 29, 13(A+M+1) + 3, 13A + 14M + 4)
//   e.g. (msg,ad) = (0,0): 17, (16,16): 43, (1536,1536): 2596 clocks;
//   first message / new key: 30, 57, 2610.  Steady state: 14 clocks per
//   message block (AES-bound), 13 per AD block (GHASH-bound).
//
// SIZE (Yosys 0.23 synth_xilinx -family xc7, stat -top): 3001 LUT
// (+30 INV), 1687 FF, 391 MUXF7, 173 MUXF8, 18 CARRY4; 2911 LUT flattened
// (hdl/synth/synth_xc7.tcl), 2942 with -abc9.  About 1280 LUT AES round +
// key expansion (640 of them S-boxes), 260 round-key reload, 800 GHASH,
// 215 tag out/compare, 128 output register, 115 H-cache compare, ~200
// stream control.  Deepest register-to-register logic: 6 LUT + MUXF7
// (GHASH step); an AES round is 4 LUT + MUXF7 + MUXF8.
//
// Byte order: every bus is little-endian (byte j at [8j+7:8j]); the AES
// datapath indexes bytes the same way (state byte j = FIPS in[j]) so no swap
// is needed, and a GCM field element is the bus word with each byte
// bit-reversed (GCM bit i = bit 7-(i mod 8) of byte i/8) -- wiring only.
//
// Contract details: a bad beat (last/keep disagreeing with the lengths)
// gives done + err the next clock with busy low, tag_out = 0, tag_ok = 0;
// rst abandons everything and forgets the cached H.  tag_out reads zero
// except from done until the next start; tag_ok is 0 when encrypting.
module aes256_gcm #(
    parameter integer BUS = 128,
    parameter integer GH_DIGIT = 10,   // GHASH bits per clock, 2..64
    parameter integer H_CACHE = 1      // reuse H while the key is unchanged
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             start,
    input  wire             decrypt,
    input  wire [255:0]     key,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [127:0]     nonce,        // GCM's 96-bit IV is bytes 0..11
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [31:0]      ad_len,
    input  wire [31:0]      msg_len,
    input  wire [127:0]     tag_in,
    output wire             busy,
    input  wire             in_valid,
    output wire             in_ready,
    input  wire [BUS-1:0]   in_data,
    input  wire [BUS/8-1:0] in_keep,
    input  wire             in_last,
    output wire             out_valid,
    input  wire             out_ready,
    output wire [BUS-1:0]   out_data,
    output wire [BUS/8-1:0] out_keep,
    output wire             out_last,
    output reg              done,
    output wire [127:0]     tag_out,
    output reg              tag_ok,
    output reg              err
);
    localparam integer D = GH_DIGIT;
    localparam integer NSTEP = (128 + D - 1) / D;  // GHASH clocks per block
    localparam integer W = NSTEP * D;              // multiplicand, zero-padded on top

    generate
        if (BUS != 128) begin : g_bad_bus
            aes256_gcm_BUS_must_be_128 bad();
        end
        if (D < 2 || D > 64) begin : g_bad_digit
            aes256_gcm_GH_DIGIT_must_be_2_to_64 bad();
        end
    endgenerate

    // ---- helpers ---------------------------------------------------------
    function [127:0] keep_bits;      // byte keep mask -> bit mask
        input [15:0] k;
        integer i;
        begin
            for (i = 0; i < 128; i = i + 1) keep_bits[i] = k[i / 8];
        end
    endfunction
    function [127:0] brev_bytes;     // bus word <-> GCM polynomial
        input [127:0] v;
        integer i;
        begin
            for (i = 0; i < 128; i = i + 1) brev_bytes[i] = v[8 * (i / 8) + 7 - (i % 8)];
        end
    endfunction
    function [63:0] be64;            // 64-bit value -> 8 bus bytes, big-endian
        input [63:0] v;
        integer i;
        begin
            for (i = 0; i < 8; i = i + 1) be64[8 * i +: 8] = v[56 - 8 * i +: 8];
        end
    endfunction

    // ---- configuration, latched at start -------------------------------
    reg         busy_r;
    reg         dec_r;
    reg [255:0] key_r;
    reg [95:0]  iv_r;
    reg [127:0] tagin_r;
    reg [31:0]  adlen_r;
    reg [31:0]  msglen_r;
    wire        start_acc = start && !busy_r;
    // H cache: key == key_r, three bit pairs per LUT6, then an AND tree.
    wire        key_same;
    genvar gk;
    generate
        if (H_CACHE != 0) begin : g_hc
            (* keep *) wire [85:0] key_ne;
            for (gk = 0; gk < 86; gk = gk + 1) begin : g_kne
                if (gk < 85) begin : g_3
                    assign key_ne[gk] = |(key[3*gk+2:3*gk] ^ key_r[3*gk+2:3*gk]);
                end else begin : g_1
                    assign key_ne[gk] = key[255] ^ key_r[255];
                end
            end
            assign key_same = ~|key_ne;
        end else begin : g_nohc
            assign key_same = 1'b0;
        end
    endgenerate
    assign busy = busy_r;

    // ---- input stream: sections and checks -----------------------------
    reg         sec_msg;     // 0: AD section, 1: message section
    reg         sw_pend;     // AD section empty: switch to the message next clock
    reg         in_fin;      // every input byte has been taken
    reg [31:0]  rem;         // bytes of the current section not yet taken
    reg         exp_last;    // rem <= 16: the next beat must be the section's last
    reg         msg_le16;    // msg_len <= 16 (exp_last of the message section)
    reg         msg_nz;      // msg_len != 0
    function le16;           // 1 <= v <= 16 assumed when it matters
        input [31:0] v;
        begin
            le16 = (v[31:5] == 27'd0) && (!v[4] || v[3:0] == 4'd0);
        end
    endfunction
    wire [15:0] keep_exp = exp_last ? ~(16'hFFFF << rem[4:0]) : 16'hFFFF;
    wire        beat_bad = (in_last != exp_last) || (in_keep != keep_exp);

    // ---- AES engine state ------------------------------------------------
    reg         aes_run;     // rounds 2..14 in progress
    reg [3:0]   rnd;         // round computed this clock (1 while idle)
    reg         job_h;       // running job is H = E_K(0)
    reg         job_ej0;     // running job is E_K(J0)
    reg         res_ks;      // st holds an unused keystream block
    reg         res_ej0;     // st holds E_K(J0)
    reg         first_pend;  // the first job after H (KS1 or E_K(J0)) not launched
    reg         nks;         // the next launch after H is a keystream block:
                             // first_pend ? msg_nz : !exp_last, kept as a register
    reg [31:0]  ctr;         // counter of the next keystream block
    reg         h_valid;
    reg [127:0] h_p;         // H as a GCM polynomial
    reg [127:0] st;          // AES state / result
    reg [255:0] wk;          // {round key r, round key r-1}; = key_r when idle

    // ---- GHASH state -----------------------------------------------------
    // X waits in xr (GCM bit order) until the multiplier is free.  Between
    // blocks gs holds Y (the running GHASH) and z is zero; during a
    // multiplication gs holds the digits still to come and z the partial
    // product, which the last step hands back to gs.
    reg [127:0] xr;
    reg         xr_full;
    reg         gh_run;      // steps 1..NSTEP-1 in progress
    reg [6:0]   gh_cnt;
    reg         gh_last;     // this clock is the last step
    reg [127:0] z;
    reg [W-1:0] gs;
    reg         l_loaded;    // the length block has been taken into xr
    reg         tag_valid;   // tag_out shows the tag (else zero)

    // ---- output register -------------------------------------------------
    reg         ov;
    reg [127:0] od;
    reg [15:0]  okeep;
    reg         olast;
    assign out_valid = ov;
    assign out_data  = od;
    assign out_keep  = okeep;
    assign out_last  = olast;

    // ---- handshakes --------------------------------------------------------
    // Only the abort branch looks at `bad`; everything else acts on the raw
    // handshake, since a bad beat abandons the message anyway.
    // xr is only filled once H is known, so the multiplier may start on it
    // without looking at h_valid (one LUT level less on the GHASH path).
    wire ad_rdy   = busy_r && !sec_msg && !sw_pend && !xr_full && h_valid;
    // (* keep *): nets the mapper must build once and share; without them
    // ABC9 smears this handshake logic into long chains in front of the
    // 256/128-wide register enables.
    (* keep *) wire msg_rdy = busy_r &&  sec_msg && !in_fin && res_ks && !ov && !xr_full;
    assign in_ready = ad_rdy || msg_rdy;
    wire take     = in_valid && in_ready;
    wire bad      = take && beat_bad;
    wire msg_take = in_valid && msg_rdy;
    wire l_take   = busy_r && in_fin && !l_loaded && !xr_full && h_valid;
    wire gh_load  = xr_full && !gh_run;
    wire gh_en    = gh_load || gh_run;

    // ---- AES: job selection and one round -------------------------------
    // Jobs in order: H (unless cached), then keystream blocks on demand --
    // the next one starts as the previous one is consumed -- and E_K(J0)
    // when the last message beat is taken (at once if msg_len = 0).
    wire lj_h    = !h_valid;
    wire lj_ks   = h_valid && nks;
    wire lj_ej0  = h_valid && !nks;
    (* keep *) wire launch_idle = busy_r && !aes_run && (!h_valid || first_pend);
    wire launch  = launch_idle || msg_take;
    (* keep *) wire aes_ce = launch || aes_run;      // st and wk advance
    wire [31:0]  ctr_u = lj_ks ? ctr : 32'd1;
    wire [127:0] blk = lj_h ? 128'd0 : {ctr_u[7:0], ctr_u[15:8], ctr_u[23:16], ctr_u[31:24], iv_r};
    wire [127:0] r_in = aes_run ? st : (blk ^ wk[127:0]);   // round 1 absorbs AddRoundKey(rk0)
    wire         r_last = (rnd == 4'd14);
    wire [127:0] r_out;
    aes_enc_round u_round (.x(r_in), .rk(wk[255:128]), .last(r_last), .y(r_out));
    wire [127:0] nk;
    aes_key256_step u_key (.prev(wk[127:0]), .last_w(wk[255:224]), .rot(rnd[0]), .rcon(8'h01 << rnd[3:1]), .nk(nk));
    wire aes_fin = aes_run && r_last;

    // next values of the stream-position flags (nks is derived from them)
    reg exp_last_n;
    reg first_pend_n;
    always @* begin
        exp_last_n = exp_last;
        if (sw_pend || (take && !sec_msg && exp_last)) exp_last_n = msg_le16;
        else if (take && !exp_last) exp_last_n = (rem[31:6] == 26'd0) && (!rem[5] || rem[4:0] == 5'd0);
        first_pend_n = first_pend && !(launch && h_valid);
    end

    // ---- GHASH -------------------------------------------------------------
    wire [127:0] lblk = {be64({29'd0, msglen_r, 3'd0}), be64({29'd0, adlen_r, 3'd0})};
    wire [127:0] x_next;
    wire [D-1:0] gdig;
    wire [W-1:0] gs_next;
    wire [127:0] gy;
    ghash_load #(.D(D), .W(W)) u_gl (
        .data(in_data), .keep(in_keep), .ks(st), .encm(sec_msg && !dec_r),
        .lblk(lblk), .lsel(l_take), .x_next(x_next),
        .gs(gs), .xr(xr), .load(gh_load), .y(gy), .last(gh_last),
        .digit(gdig), .gs_next(gs_next)
    );
    ghash_step #(.D(D)) u_gh (.z(z), .h(h_p), .d(gdig), .y(gy));

    // ---- finish ----------------------------------------------------------
    wire [127:0] tag_c = brev_bytes(gs[127:0]) ^ st;
    assign tag_out = tag_c & {128{tag_valid}};
    // tag == tag_in, constant time: OR of all 128 XOR bits, two bits (six
    // inputs) per LUT, then an OR tree; no early exit anywhere.
    (* keep *) wire [63:0] tag_ne;
    genvar gi;
    generate
        for (gi = 0; gi < 64; gi = gi + 1) begin : g_tne
            assign tag_ne[gi] = |(tag_c[2*gi+1:2*gi] ^ tagin_r[2*gi+1:2*gi]);
        end
    endgenerate
    wire tag_eq = ~|tag_ne;
    wire fin = busy_r && l_loaded && !xr_full && !gh_run && res_ej0 && (!ov || out_ready);

    // ---- control -----------------------------------------------------------
    always @(posedge clk) begin
        done <= 1'b0;
        if (rst) begin
            busy_r <= 1'b0;
            aes_run <= 1'b0;
            rnd <= 4'd1;
            res_ks <= 1'b0;
            res_ej0 <= 1'b0;
            xr_full <= 1'b0;
            gh_run <= 1'b0;
            gh_last <= 1'b0;
            ov <= 1'b0;
            h_valid <= 1'b0;
            err <= 1'b0;
            tag_ok <= 1'b0;
            tag_valid <= 1'b0;
        end else if (start_acc) begin
            busy_r <= 1'b1;
            dec_r <= decrypt;
            key_r <= key;
            iv_r <= nonce[95:0];
            tagin_r <= tag_in;
            adlen_r <= ad_len;
            msglen_r <= msg_len;
            sec_msg <= 1'b0;
            sw_pend <= (ad_len == 32'd0);
            rem <= ad_len;
            exp_last <= le16(ad_len);
            msg_le16 <= le16(msg_len);
            msg_nz <= (msg_len != 32'd0);
            in_fin <= 1'b0;
            ctr <= 32'd2;
            first_pend <= 1'b1;
            nks <= (msg_len != 32'd0);
            res_ks <= 1'b0;
            res_ej0 <= 1'b0;
            l_loaded <= 1'b0;
            h_valid <= h_valid && key_same;
            err <= 1'b0;
            tag_ok <= 1'b0;
            tag_valid <= 1'b0;
        end else if (bad) begin
            // The stream disagrees with the lengths: stop at once.
            busy_r <= 1'b0;
            aes_run <= 1'b0;
            rnd <= 4'd1;
            res_ks <= 1'b0;
            res_ej0 <= 1'b0;
            xr_full <= 1'b0;
            gh_run <= 1'b0;
            gh_last <= 1'b0;
            ov <= 1'b0;
            done <= 1'b1;
            err <= 1'b1;
            tag_ok <= 1'b0;
            tag_valid <= 1'b0;
        end else if (busy_r) begin
            // -- input sections
            if (sw_pend || (take && !sec_msg && exp_last)) begin
                sw_pend <= 1'b0;
                sec_msg <= 1'b1;
                rem <= msglen_r;
                in_fin <= !msg_nz;
            end else if (take) begin
                if (exp_last) in_fin <= 1'b1;
                else rem <= rem - 32'd16;
            end
            exp_last <= exp_last_n;
            first_pend <= first_pend_n;
            nks <= first_pend_n ? msg_nz : !exp_last_n;

            // -- AES scheduler
            if (launch) begin
                aes_run <= 1'b1;
                rnd <= 4'd2;
                job_h <= lj_h;
                job_ej0 <= lj_ej0;
                if (lj_ks) ctr <= ctr + 32'd1;
            end else if (aes_fin) begin
                aes_run <= 1'b0;
                rnd <= 4'd1;
                if (job_h) h_valid <= 1'b1;
                else if (job_ej0) res_ej0 <= 1'b1;
                else res_ks <= 1'b1;
            end else if (aes_run) begin
                rnd <= rnd + 4'd1;
            end
            if (msg_take) res_ks <= 1'b0;

            // -- GHASH sequencer
            if (take || l_take) xr_full <= 1'b1;
            else if (gh_load) xr_full <= 1'b0;
            if (l_take) l_loaded <= 1'b1;
            if (gh_load) begin
                gh_run <= 1'b1;
                gh_cnt <= 7'd1;
                gh_last <= (NSTEP == 2);
            end else if (gh_run) begin
                gh_cnt <= gh_cnt + 7'd1;
                gh_last <= (gh_cnt == NSTEP[6:0] - 7'd2);
                if (gh_last) gh_run <= 1'b0;
            end

            // -- output register
            if (msg_take) ov <= 1'b1;
            else if (out_ready) ov <= 1'b0;

            // -- finish
            if (fin) begin
                busy_r <= 1'b0;
                res_ej0 <= 1'b0;
                done <= 1'b1;
                tag_valid <= 1'b1;
                tag_ok <= dec_r && tag_eq;
            end
        end
    end

    // ---- datapath registers (no reset) ----------------------------------
    always @(posedge clk) begin
        if (start_acc) wk <= key;
        else if (aes_ce) wk <= aes_fin ? key_r : {nk, wk[255:128]};

        if (aes_ce) st <= r_out;
        if (aes_fin && job_h) h_p <= brev_bytes(r_out);

        if (take || l_take) xr <= x_next;
        if (start_acc || gh_last) z <= 128'd0;
        else if (gh_en) z <= gy;
        if (start_acc) gs <= {W{1'b0}};
        else if (gh_en) gs <= gs_next;

        if (msg_take) begin
            od <= (in_data ^ st) & keep_bits(in_keep);
            okeep <= in_keep;
            olast <= in_last;
        end
    end
endmodule
