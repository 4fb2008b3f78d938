// Ascon-AEAD128 (NIST SP 800-232), encryption and decryption, behind the
// core contract of hdl/README.md.
//
// ROUNDS_PER_CYCLE (1, 2 or 4: the divisors of both 8 and 12) sets how many
// permutation rounds one clock computes; BUS (64 or 128) is the stream width.
// A 128-bit block is absorbed in the first clock of the permutation that
// follows it, so a message costs ceil(12/R) + per-block ceil(8/R) + ceil(12/R)
// clocks plus one for `done`; input beats for the next block are taken while
// the current permutation runs.
//
// Two halves: the *assembler* turns the input stream into the exact sequence
// of blocks the mode processes (AD blocks incl. the padding block, then
// message blocks ending with the padded final block), checking every beat
// against the lengths; the *processor* absorbs those blocks into the state.
module ascon_aead128 #(
    parameter integer ROUNDS_PER_CYCLE = 2,
    parameter integer BUS = 128
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             start,
    input  wire             decrypt,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [255:0]     key,          // Ascon-AEAD128 uses bytes 0..15
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [127:0]     nonce,
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
    output reg  [127:0]     tag_out,
    output wire             tag_ok,
    output reg              err
);
    localparam integer R = ROUNDS_PER_CYCLE;
    localparam integer BB = BUS / 8;  // bytes per beat
    localparam [63:0] IV = 64'h00001000808C0001;

    generate
        if (!(R == 1 || R == 2 || R == 4)) begin : g_bad_rounds
            ascon_aead128_ROUNDS_PER_CYCLE_must_be_1_2_or_4 bad();
        end
        if (!(BUS == 64 || BUS == 128)) begin : g_bad_bus
            ascon_aead128_BUS_must_be_64_or_128 bad();
        end
    endgenerate

    // ---- configuration, latched at start --------------------------------
    reg [127:0] key_r;
    reg [127:0] tag_in_r;
    reg         dec_r;
    wire [63:0] k0 = key_r[63:0];
    wire [63:0] k1 = key_r[127:64];

    // ---- processor state ------------------------------------------------
    localparam [1:0] S_IDLE = 2'd0, S_PERM = 2'd1, S_BLOCK = 2'd2, S_FIN = 2'd3;
    reg [1:0]   st;
    reg [319:0] x;
    reg [3:0]   rnd;          // next round index of the running permutation
    reg         final_perm;   // the running permutation is the final p12
    reg         pend_initkey; // 0^192 || K still to be added after init
    reg         pend_dsep;    // domain separation still to be added

    // ---- assembler state ------------------------------------------------
    localparam [1:0] A_AD = 2'd0, A_MSG = 2'd1, A_NONE = 2'd2;
    reg [1:0]   a_sec;        // section the block being assembled belongs to
    reg [31:0]  s_rem;        // stream bytes of a_sec not yet received
    reg [127:0] blk;          // block being assembled (bytes past `need` are stale)
    reg [4:0]   blk_n;        // bytes in blk
    reg [4:0]   need;         // bytes this block takes (0..16)
    wire        blk_last = (need != 5'd16);  // final, padded block of a_sec
    wire        blk_full = (a_sec != A_NONE) && (blk_n == need);

    // ---- output buffer --------------------------------------------------
    reg [127:0] o_blk;
    reg [4:0]   o_n;          // bytes still to send from o_blk
    /* verilator lint_off UNUSEDSIGNAL */
    reg         o_hi;         // BUS=64: the next beat is the upper half
    /* verilator lint_on UNUSEDSIGNAL */
    reg [31:0]  o_rem;        // message bytes not yet sent

    // ---- handshakes -----------------------------------------------------
    wire [4:0]  o_beat_n = (o_n > BB[4:0]) ? BB[4:0] : o_n;
    assign out_valid = (o_n != 5'd0);
    wire        o_fire = out_valid && out_ready;
    wire        o_empties = o_fire && (o_n == o_beat_n);
    wire        out_free = !out_valid || o_empties;
    wire        block_is_msg = (a_sec == A_MSG);

    wire consume = (st == S_BLOCK) && blk_full && (!block_is_msg || out_free);
    assign in_ready = (st != S_IDLE) && (a_sec != A_NONE) && (s_rem != 32'd0) && (!blk_full || (consume && !blk_last));
    wire beat = in_valid && in_ready;

    // Bytes the current beat must carry, and the checks against the lengths.
    wire [4:0]      e = (s_rem >= BB) ? BB[4:0] : s_rem[4:0];
    wire [BB-1:0]   keep_expect = (e == BB[4:0]) ? {BB{1'b1}} : ~({BB{1'b1}} << e);
    wire            last_expect = (s_rem <= BB);
    wire            beat_bad = beat && ((in_keep != keep_expect) || (in_last != last_expect));


    // ---- the permutation's input (SP 800-232 Alg. 3/4) --------------------
    // The state is all zeros while idle, so every step is an XOR into it:
    // loading IV||K||N, absorbing a block, padding, domain separation and
    // the key additions. Each state bit is one small function of the state
    // bit, the data bit and a few per-byte controls, which keeps this layer
    // to about one LUT per bit in front of the S-box.
    wire         idle_start = (st == S_IDLE) && start;
    wire         in_blk = (st == S_BLOCK);
    wire         dec_msg = block_is_msg && dec_r;
    wire         fin_block = block_is_msg && blk_last;
    wire         key_lo_en = (in_blk || st == S_FIN) && pend_initkey;  // (x3, x4) ^= (K0, K1)
    wire         fin_en = in_blk && fin_block;                         // (x2, x3) ^= (K0, K1)
    wire         dsep_en = in_blk && pend_dsep && block_is_msg;        // x4 ^= 1 << 63
    wire [15:0]  use_byte;   // the byte takes a data byte
    wire [15:0]  clr_byte;   // ... which replaces it (decrypting) rather than XORs in
    wire [15:0]  pad_byte;   // the byte takes the padding bit
    genvar j;
    generate
        for (j = 0; j < 16; j = j + 1) begin : g_byte_ctl
            assign use_byte[j] = in_blk && (j < need);
            assign clr_byte[j] = use_byte[j] && dec_msg;
            assign pad_byte[j] = in_blk && blk_last && (j == need);
        end
    endgenerate
    wire [127:0] rate = x[127:0];
    wire [127:0] use_bits, clr_bits, pad_bits;
    generate
        for (j = 0; j < 16; j = j + 1) begin : g_byte_bits
            assign use_bits[8*j +: 8] = {8{use_byte[j]}};
            assign clr_bits[8*j +: 8] = {8{clr_byte[j]}};
            assign pad_bits[8*j +: 8] = {7'd0, pad_byte[j]};
        end
    endgenerate
    wire [127:0] init_rate = idle_start ? {key[63:0], IV} : 128'd0;
    // rate ^ data is the ciphertext (encrypting) or the plaintext (decrypting):
    // the output block. Decrypting, the ciphertext replaces the rate instead,
    // i.e. the old rate is XORed out again.
    wire [127:0] rate_x_data = rate ^ (blk & use_bits);
    wire [127:0] rate_in = rate_x_data ^ (rate & clr_bits) ^ pad_bits ^ init_rate;
    wire [63:0]  x2_in = x[191:128] ^ (fin_en ? k0 : 64'd0) ^ (idle_start ? key[127:64] : 64'd0);
    wire [63:0]  x3_in = x[255:192] ^ (key_lo_en ? k0 : 64'd0) ^ (fin_en ? k1 : 64'd0)
                       ^ (idle_start ? nonce[63:0] : 64'd0);
    wire [63:0]  x4_in = x[319:256] ^ (key_lo_en ? k1 : 64'd0) ^ {dsep_en, 63'd0}
                       ^ (idle_start ? nonce[127:64] : 64'd0);
    wire [319:0] perm_in = {x4_in, x3_in, x2_in, rate_in};
    wire [3:0]   perm_round = idle_start ? 4'd0 : in_blk ? (fin_block ? 4'd0 : 4'd4) : rnd;
    wire [319:0] perm_out;
    ascon_perm #(.ROUNDS_PER_CYCLE(R)) u_perm (
        .state_in(perm_in), .round(perm_round), .state_out(perm_out)
    );
    wire [3:0]   rnd_after = perm_round + R[3:0];
    wire         perm_ends = (rnd_after == 4'd12);

    assign busy = (st != S_IDLE);
    generate
        if (BUS == 64) begin : g_out64
            assign out_data = o_hi ? o_blk[127:64] : o_blk[63:0];
        end else begin : g_out128
            assign out_data = o_blk;
        end
    endgenerate
    assign out_keep = (o_beat_n == BB[4:0]) ? {BB{1'b1}} : ~({BB{1'b1}} << o_beat_n);
    assign out_last = out_valid && (o_rem <= BB);

    // After the final p12, pend_initkey is set again, so the input layer adds
    // (K0, K1) to (x3, x4): that sum is the tag.
    wire [127:0] tag_now = perm_in[319:192];
    // Decrypting, tag_ok compares the registered tag with the expected one:
    // all 128 bits XORed and OR-reduced, no early exit.
    reg          tag_check;
    assign tag_ok = tag_check && ~|(tag_out ^ tag_in_r);

    always @(posedge clk) begin
        done <= 1'b0;
        if (rst) begin
            x <= 320'd0;
            tag_out <= 128'd0;
            st <= S_IDLE;
            a_sec <= A_NONE;
            o_n <= 5'd0;
            o_hi <= 1'b0;
            err <= 1'b0;
            tag_check <= 1'b0;
            blk_n <= 5'd0;
            need <= 5'd0;
        end else if (beat_bad) begin
            // The stream disagrees with the lengths: stop here, report, and
            // drop whatever output was pending.
            x <= 320'd0;
            tag_out <= 128'd0;
            st <= S_IDLE;
            a_sec <= A_NONE;
            o_n <= 5'd0;
            o_hi <= 1'b0;
            done <= 1'b1;
            err <= 1'b1;
            tag_check <= 1'b0;
        end else begin
            // -------- processor --------
            case (st)
                S_IDLE: if (start) begin
                    key_r <= key[127:0];
                    tag_in_r <= tag_in;
                    dec_r <= decrypt;
                    x <= perm_out;
                    rnd <= rnd_after;
                    final_perm <= 1'b0;
                    pend_initkey <= 1'b1;
                    pend_dsep <= (ad_len == 32'd0);
                    st <= S_PERM;
                    err <= 1'b0;
                    tag_check <= 1'b0;
                            o_rem <= msg_len;
                end
                S_PERM: begin
                    x <= perm_out;
                    rnd <= rnd_after;
                    if (perm_ends) begin
                        st <= final_perm ? S_FIN : S_BLOCK;
                        if (final_perm) pend_initkey <= 1'b1;
                    end
                end
                S_BLOCK: if (consume) begin
                    x <= perm_out;
                    rnd <= rnd_after;
                    final_perm <= fin_block;
                    pend_initkey <= 1'b0;
                    if (block_is_msg) pend_dsep <= 1'b0;
                    if (a_sec == A_AD && blk_last) pend_dsep <= 1'b1;
                    st <= S_PERM;
                end
                S_FIN: if (!out_valid) begin
                    // The state goes back to zero: nothing key-dependent stays.
                    x <= 320'd0;
                    tag_out <= tag_now;
                    tag_check <= dec_r;
                    done <= 1'b1;
                    st <= S_IDLE;
                end
            endcase

            // -------- output buffer --------
            if (consume && block_is_msg && need != 5'd0) begin
                o_blk <= rate_x_data;
                o_n <= need;
                o_hi <= 1'b0;
            end else if (o_fire) begin
                o_n <= o_n - o_beat_n;
                o_hi <= 1'b1;
            end
            if (o_fire) o_rem <= o_rem - {27'd0, o_beat_n};

            // -------- assembler --------
            if (idle_start) begin
                blk_n <= 5'd0;
                if (ad_len != 32'd0) begin
                    a_sec <= A_AD;
                    s_rem <= ad_len;
                    need <= (ad_len >= 32'd16) ? 5'd16 : ad_len[4:0];
                end else begin
                    a_sec <= A_MSG;
                    s_rem <= msg_len;
                    need <= (msg_len >= 32'd16) ? 5'd16 : msg_len[4:0];
                end
            end else if (consume) begin
                if (blk_last) begin
                    blk_n <= 5'd0;
                    if (a_sec == A_AD) begin
                        a_sec <= A_MSG;
                        s_rem <= o_rem;  // untouched until the first message block
                        need <= (o_rem >= 32'd16) ? 5'd16 : o_rem[4:0];
                    end else begin
                        a_sec <= A_NONE;
                    end
                end else begin
                    need <= (s_rem >= 32'd16) ? 5'd16 : s_rem[4:0];
                    if (beat) blk[BUS-1:0] <= in_data;
                    blk_n <= beat ? e : 5'd0;
                    if (beat) s_rem <= s_rem - {27'd0, e};
                end
            end else if (beat) begin
                if (BUS == 128 || blk_n == 5'd0) blk[BUS-1:0] <= in_data;
                else blk[127:64] <= in_data[63:0];
                blk_n <= blk_n + e;
                s_rem <= s_rem - {27'd0, e};
            end
        end
    end
endmodule
