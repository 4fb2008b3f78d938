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
// Timing shape (docs/hdl-ascon-aead128.md): every control signal that reaches
// the 320-bit state (its enable, its clear, what is XORed in front of the
// S-box) is a flip-flop or one LUT of flip-flops. The next-state logic below
// computes them a cycle ahead, so the clock is set by the datapath: one
// input-layer LUT, then the S-box and linear layer of each round.
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

    // ---- block geometry -----------------------------------------------
    // A section with v bytes still to come is described by six bits, so
    // that what a block start or a beat needs is one LUT away: {v == 16,
    // v >= 16, v mod 16}. The four sources (ad_len, msg_len, the stored
    // message length, the bytes left) each keep or compute their own.
    localparam integer G_X16 = 5, G_HI = 4;
    function [5:0] geometry;
        input [31:0] v;
        begin
            geometry = {v == 32'd16, v[31:4] != 28'd0, v[3:0]};
        end
    endfunction
    // byte b lies within the first min(v, 16) bytes
    function first_byte;
        input [5:0] g;
        input integer b;
        begin
            first_byte = g[G_HI] || ({28'd0, g[3:0]} > b);
        end
    endfunction

    // ---- configuration, latched at start --------------------------------
    reg [127:0] key_r;
    reg [127:0] tag_in_r;
    reg         dec_r;
    reg [31:0]  m_len;        // the message length, for the switch from AD
    reg [5:0]   m_geo;        // ... and its geometry
    reg         m_empty;      // ... zero
    wire [63:0] k0 = key_r[63:0];
    wire [63:0] k1 = key_r[127:64];

    // ---- processor state (one-hot) --------------------------------------
    reg         st_idle, st_perm, st_block, st_fin;
    reg [319:0] x;
    reg [3:0]   rnd;          // round the next state advance applies
    reg [3:0]   rnd_step;     // rnd + R
    wire [7:0]  rc = {~rnd, rnd};  // ... and its constant
    reg         perm_last;    // in st_perm: this advance ends the permutation
    reg         final_perm;   // the running permutation is the final p12
    reg         pend_initkey; // 0^192 || K still to be added after init
    reg         pend_dsep;    // domain separation still to be added
    // What the next advance XORs in front of the S-box besides the block;
    // set when a permutation ends, so they are flip-flops when they are used.
    reg         add_k_hi;     // x4 ^= K1 (x3 ^= K0 is in ij3): after init, and the tag
    reg         add_fin;      // x2 ^= K0 (x3 ^= K1 is in ij3): the final block
    reg         add_dsep;     // x4 ^= 1 << 63: the first message block
    reg [63:0]  ij3;          // what x3 takes

    // ---- assembler state ------------------------------------------------
    reg         a_ad, a_msg;  // section of the block being assembled (neither: done)
    reg [31:0]  s_rem;        // stream bytes of that section not yet received
    reg [5:0]   s_geo;        // ... and their geometry
    reg         s_empty;      // ... none (a copy of s_geo[4:0] == 0, for timing)
    reg [127:0] blk;          // the block: data bytes, the padding bit, zeros
    reg         full;         // blk holds every byte it takes
    reg         a_final;      // blk is its section's final, padded block
    reg         one_beat;     // BUS=64: blk takes at most 8 bytes
    /* verilator lint_off UNUSEDSIGNAL */
    reg         half;         // BUS=64: the lower half has arrived
    /* verilator lint_on UNUSEDSIGNAL */
    reg [15:0]  lt_need;      // byte j of blk carries data
    reg [15:0]  dec_bytes;    // ... and, decrypting, replaces the rate byte
    reg         bad;          // the previous beat disagreed with the lengths
    reg         setup;        // the block that started last cycle is set up now
    reg         setup_msg;    // ... the first of the message section

    // ---- output buffer --------------------------------------------------
    reg [127:0] o_blk;
    reg         o_valid;
    /* verilator lint_off UNUSEDSIGNAL */
    reg         o_hi;         // BUS=64: the next beat is the upper half
    /* verilator lint_on UNUSEDSIGNAL */
    reg [15:0]  o_keep;
    reg         o_last;       // the block holds the message's last bytes

    // ---- handshakes -----------------------------------------------------
    assign busy = !st_idle;
    assign in_ready = (a_ad || a_msg) && !full && !bad;
    wire   beat = in_valid && in_ready;
    // What this beat must carry: min(s_rem, BB) bytes, `last` if that is all.
    wire [BB-1:0] e_keep;
    genvar j;
    generate
        for (j = 0; j < BB; j = j + 1) begin : g_keep
            assign e_keep[j] = first_byte(s_geo, j);
        end
    endgenerate
    wire   e_last = (BUS == 128) ? (!s_geo[G_HI] || s_geo[G_X16])
                                 : (!s_geo[G_HI] && s_geo[3:0] <= 4'd8);
    wire   beat_bad = beat && ((in_keep != e_keep) || (in_last != e_last));
    assign out_valid = o_valid;
    wire   o_fire = o_valid && out_ready;
    wire   go = st_idle && start;
    // consume: a complete block waits and may be absorbed now. It gates the
    // 320 state flip-flops, so it is a flip-flop of its own (computed from
    // the next values of what it depends on) and a last AND with `bad`.
    reg    consume_r;
    wire   consume = consume_r && !bad;

    wire   fin_go = st_fin && !o_valid;
    wire   perm_end = st_perm && perm_last;
    wire   advance = go || st_perm || consume;
    wire   kill = rst || bad;

    generate
        if (BUS == 64) begin : g_out64
            assign out_data = o_hi ? o_blk[127:64] : o_blk[63:0];
            assign out_keep = o_hi ? o_keep[15:8] : o_keep[7:0];
            assign out_last = o_valid && o_last && (o_hi || !o_keep[8]);
        end else begin : g_out128
            assign out_data = o_blk;
            assign out_keep = o_keep;
            assign out_last = o_valid && o_last;
        end
    endgenerate

    // ---- the permutation's input (SP 800-232 Alg. 3/4) --------------------
    // The state is zero while idle, so loading IV||K||N, absorbing a block
    // (its padding bit travels in blk), domain separation and the key
    // additions are all XORs into it. Decrypting, the ciphertext replaces the
    // rate bytes it covers: the old rate is masked out. Each bit is one LUT.
    wire [127:0] dec_bits;
    generate
        for (j = 0; j < 16; j = j + 1) begin : g_byte_bits
            assign dec_bits[8*j +: 8] = {8{st_block && dec_bytes[j]}};
        end
    endgenerate
    wire [127:0] rate_in = (x[127:0] & ~dec_bits) ^ (st_block ? blk : 128'd0)
                         ^ (go ? {key[63:0], IV} : 128'd0);
    wire [63:0]  x2_in = x[191:128] ^ (add_fin ? k0 : 64'd0) ^ {56'd0, rc}
                       ^ (go ? key[127:64] : 64'd0);
    wire [63:0]  x3_in = x[255:192] ^ ij3 ^ (go ? nonce[63:0] : 64'd0);
    wire [63:0]  x4_in = x[319:256] ^ (add_k_hi ? k1 : 64'd0) ^ {add_dsep, 63'd0}
                       ^ (go ? nonce[127:64] : 64'd0);
    wire [319:0] perm_out;
    ascon_perm #(.ROUNDS_PER_CYCLE(R)) u_perm (
        .state_in({x4_in, x3_in, x2_in, rate_in}), .round(rnd), .state_out(perm_out)
    );

    // Decrypting, tag_ok compares the registered tag with the expected one:
    // all 128 bits XORed and OR-reduced, no early exit.
    reg          tag_check;
    assign tag_ok = tag_check && ~|(tag_out ^ tag_in_r);

    // ---- next block ---------------------------------------------------------
    // A block starts at `start` (the first section), when a section goes on,
    // and when the message follows the AD; it takes min(v, 16) bytes.
    wire       to_msg = consume && a_final && a_ad;
    wire       blk_start = !kill && (go || (consume && !a_final) || to_msg);
    wire [5:0] ad_geo = geometry(ad_len);
    wire [5:0] msg_geo = geometry(msg_len);
    wire       ad_none = (ad_len == 32'd0);
    wire [5:0] v_geo = go ? (ad_none ? msg_geo : ad_geo) : to_msg ? m_geo : s_geo;
    // Round indices step by R within a permutation. rnd_step holds rnd + R
    // ready, so the next index is one multiplexer behind the enable.
    wire       adv_ctl = st_perm || consume;
    wire       next_p8 = !final_perm && !(a_msg && a_final);  // a permutation ending now leads to p8
    wire [3:0] n_rnd = kill ? 4'd0
                     : go ? R[3:0]
                     : perm_end ? (next_p8 ? 4'd4 : 4'd0)
                     : adv_ctl ? rnd_step
                     : st_fin ? 4'd0 : rnd;
    wire [3:0] n_rnd_step = kill ? R[3:0]
                          : go ? 4'd2 * R[3:0]
                          : perm_end ? (next_p8 ? 4'd4 + R[3:0] : R[3:0])
                          : adv_ctl ? rnd_step + R[3:0]
                          : st_fin ? R[3:0] : rnd_step;
    // the advance after this one ends the permutation (12 is a multiple of R;
    // after go, perm_end and in the waits, the next advance is never last)
    wire       n_perm_last = !kill && ((st_perm && !perm_last) || consume)
                           && (rnd == 4'd12 - 4'd2 * R[3:0]);
    // the final p12 ends: (x3, x4) ^ K is the tag
    wire       n_add_k_hi = perm_end && (pend_initkey || final_perm);
    wire       n_add_fin = perm_end && !final_perm && a_msg && a_final;
    wire       n_st_block = !kill && ((perm_end && !final_perm) || (st_block && !consume));
    // In the setup cycle the new block's section count is in s_geo, or, at
    // the start of the message section, in m_geo.
    wire [5:0] g_setup = setup_msg ? m_geo : s_geo;
    wire       setup_empty = setup_msg ? m_empty : s_empty;
    wire       n_full = blk_start ? 1'b1
                      : setup ? setup_empty
                      : beat ? ((BUS == 128) || one_beat || half)
                      : full;
    wire       n_o_valid = !kill && ((consume && a_msg && lt_need[0])
                                     || (o_valid && !(o_fire && !(BUS == 64 && !o_hi && o_keep[8]))));
    wire       n_bad = !kill && beat_bad;
    wire       n_consume = n_st_block
                  && (setup ? setup_empty : beat ? ((BUS == 128) || one_beat || half) : full)
                  && ((a_ad && !(consume && a_final))
                      || !(o_valid && !(o_fire && !(BUS == 64 && !o_hi && o_keep[8]))));
    integer    b;

    always @(posedge clk) begin
        // -------- processor control --------
        if (kill) begin
            st_idle <= 1'b1; st_perm <= 1'b0; st_block <= 1'b0; st_fin <= 1'b0;
        end else begin
            if (go) begin st_idle <= 1'b0; st_perm <= 1'b1; end
            if (perm_end) begin
                st_perm <= 1'b0;
                st_fin <= final_perm;
                st_block <= !final_perm;
            end
            if (consume) begin st_block <= 1'b0; st_perm <= 1'b1; end
            if (fin_go) begin st_fin <= 1'b0; st_idle <= 1'b1; end
        end
        rnd <= n_rnd;
        rnd_step <= n_rnd_step;
        perm_last <= n_perm_last;
        if (go) begin
            final_perm <= 1'b0;
            pend_initkey <= 1'b1;
            pend_dsep <= 1'b1;
            dec_r <= decrypt;
            key_r <= key[127:0];
            tag_in_r <= tag_in;
            m_geo <= msg_geo;
            m_empty <= (msg_geo[4:0] == 5'd0);
        end else if (consume) begin
            final_perm <= a_msg && a_final;
            pend_initkey <= 1'b0;
            if (a_msg) pend_dsep <= 1'b0;
        end
        // what the next advance adds: set as a permutation ends, cleared
        // once it has been added
        if (kill || consume || fin_go) begin
            add_k_hi <= 1'b0;
            add_fin <= 1'b0;
            add_dsep <= 1'b0;
            ij3 <= 64'd0;
        end else if (perm_end) begin
            add_k_hi <= n_add_k_hi;
            add_fin <= n_add_fin;
            add_dsep <= !final_perm && a_msg && pend_dsep;
            ij3 <= (n_add_k_hi ? k0 : 64'd0) ^ (n_add_fin ? k1 : 64'd0);
        end
        bad <= n_bad;
        // Only the cases that can lead to st_block count here: after go,
        // a consume or a block start the state is st_perm.
        consume_r <= n_consume;
        done <= !rst && (bad || fin_go);

        // -------- state --------
        if (kill || fin_go) begin
            // Nothing key-dependent stays after a message, nor after a failure.
            x <= 320'd0;
        end else if (advance) begin
            x <= perm_out;
        end

        if (kill) begin
            tag_out <= 128'd0;
            tag_check <= 1'b0;
        end else if (fin_go) begin
            tag_out <= {x4_in, x3_in};
            tag_check <= dec_r;
        end else if (go) begin
            tag_check <= 1'b0;
        end
        if (rst) err <= 1'b0;
        else if (bad) err <= 1'b1;
        else if (go) err <= 1'b0;

        // -------- assembler --------
        if (kill) begin
            a_ad <= 1'b0; a_msg <= 1'b0;
        end else if (go) begin
            a_ad <= !ad_none; a_msg <= ad_none;
        end else if (consume && a_final) begin
            a_ad <= 1'b0; a_msg <= a_ad;
        end
        // A new block is set up the cycle after it starts, from registers,
        // so that the wide writes (blk, the byte masks) hang off flip-flops.
        // Until then the block counts as full: no beat is taken, and no
        // block can be consumed that early (the next permutation runs).
        setup <= blk_start;
        if (blk_start) a_final <= !v_geo[G_HI];
        full <= n_full;
        // (setup and a beat never meet: the block is full until set up)
        if (setup) begin
            one_beat <= !g_setup[G_HI] && g_setup[3:0] <= 4'd8;
            half <= 1'b0;
            for (b = 0; b < 16; b = b + 1) begin
                lt_need[b] <= first_byte(g_setup, b);
                dec_bytes[b] <= first_byte(g_setup, b) && (dec_r && a_msg);
                blk[8*b +: 8] <= {7'd0, !g_setup[G_HI] && {28'd0, g_setup[3:0]} == b};  // padding
            end
        end else if (beat) begin
            half <= 1'b1;
            for (b = 0; b < BB; b = b + 1)
                if (in_keep[b]) begin
                    if (BUS == 64 && half) blk[64 + 8*b +: 8] <= in_data[8*b +: 8];
                    else blk[8*b +: 8] <= in_data[8*b +: 8];
                end
        end
        // The message section's count is loaded when its first block is set
        // up (a cycle after the switch, or after go without AD), from
        // flip-flops.
        setup_msg <= to_msg || (go && ad_none);
        if (go) begin
            s_rem <= ad_len;
            s_geo <= ad_geo;
            s_empty <= (ad_geo[4:0] == 5'd0);
            m_len <= msg_len;
        end else if (setup_msg) begin
            s_rem <= m_len;
            s_geo <= m_geo;
            s_empty <= m_empty;
        end else if (beat) begin
            s_rem <= e_last ? 32'd0 : s_rem - BB;
            s_geo <= e_last ? 6'd0 : geometry(s_rem - BB);
            s_empty <= e_last || (s_rem == BB);
        end

        // -------- output buffer --------
        // The block is copied while a complete message block waits (x holds
        // still then), so its enable is one LUT of flip-flops; `consume`
        // only raises o_valid. Bytes past the message are zeroed, so the
        // bus never shows state bytes.
        if (st_block && a_msg && full && !o_valid) begin
            for (b = 0; b < 16; b = b + 1)
                o_blk[8*b +: 8] <= lt_need[b] ? x[8*b +: 8] ^ blk[8*b +: 8] : 8'd0;
            o_keep <= lt_need;
            o_last <= (s_geo[4:0] == 5'd0);
        end
        o_valid <= n_o_valid;
        if (consume) o_hi <= 1'b0;
        else if (o_fire && !o_hi && o_keep[8]) o_hi <= 1'b1;
    end
endmodule
