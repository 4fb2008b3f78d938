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
// S-box) is a flip-flop or one LUT of flip-flops, and no path crosses two
// wide nets. The next-state logic below computes them a cycle ahead, so the
// clock is set by the datapath: one input-layer LUT, then the S-box and
// linear layer of each round. The lengths are registered as descriptors in
// the cycle before `start` (so they must be stable then: hdl/README.md).
// The small cells of agilis_cells.v and ascon_cells.v keep a few wide tests
// shallow.
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

    // ---- section descriptors ---------------------------------------------
    // A section (the AD or the message) of L bytes is counted in whole beats
    // still to come (nb = L / BB) plus a tail; what a beat check or a block
    // set-up needs is kept ready in flip-flops, so that those paths start at
    // registers: nb == 1 and nb == 2 (shifted down on each beat), whether a
    // whole block is left, whether the next beat is the last, and L mod 16.
    // At a block start the bytes left are L minus a multiple of 16, so L mod
    // 16 gives a short block's bytes and padding position; the current
    // section's register `sd` also keeps them decoded (TMASK, TPAD).
    localparam integer NBW = 32 - $clog2(BB);  // width of nb
    localparam integer D_NB = 0;                           // nb
    localparam integer D_EQ1 = NBW, D_EQ2 = NBW + 1;       // nb == 1, nb == 2
    localparam integer D_NZ = NBW + 2;                     // nb != 0
    localparam integer D_TB0 = NBW + 3;                    // L mod BB == 0
    localparam integer D_GE16 = NBW + 4;                   // bytes left >= 16
    localparam integer D_LAST = NBW + 5;                   // the next beat is the last
    localparam integer D_DRAINED = NBW + 6;                // no byte left
    localparam integer D_T16 = NBW + 7;                    // L mod 16 (4 bits)
    localparam integer DW = D_T16 + 4;
    localparam integer D_TMASK = DW;                       // sd only: b < L mod 16
    localparam integer D_TPAD = DW + 16;                   // sd only: b == L mod 16
    localparam integer SW = DW + 32;
    // Each flag is (len[31:6] == 0) && f(len[5:0]): one LUT (agilis_and_none)
    // of the five slice ORs of len[31:6] and f (ascon_len_low_flags).
    localparam integer NF = 6;  // EQ1, EQ2, !NZ, !GE16, LAST, DRAINED
    function [DW-1:0] section;
        input [31:0]   len;
        input [NF-1:0] hf;  // (len[31:6] == 0) && low_flags(len[5:0])
        begin
            section = {DW{1'b0}};
            section[D_NB +: NBW] = len[31:$clog2(BB)];
            section[D_EQ1] = hf[0];
            section[D_EQ2] = hf[1];
            section[D_NZ] = !hf[2];
            section[D_TB0] = (BB == 16) ? (len[3:0] == 4'd0) : (len[2:0] == 3'd0);
            section[D_GE16] = !hf[3];
            section[D_LAST] = hf[4];
            section[D_DRAINED] = hf[5];
            section[D_T16 +: 4] = len[3:0];
        end
    endfunction
    // a descriptor with its tail decoded, for sd
    function [SW-1:0] decoded;
        input [DW-1:0] d;
        integer q;
        begin
            decoded = {32'd0, d};
            for (q = 0; q < 16; q = q + 1) begin
                decoded[D_TMASK + q] = {28'd0, d[D_T16 +: 4]} > q;
                decoded[D_TPAD + q] = {28'd0, d[D_T16 +: 4]} == q;
            end
        end
    endfunction

    // ---- configuration, latched at start --------------------------------
    reg [127:0] key_r;
    reg [127:0] tag_in_r;
    reg         dec_r;
    wire [63:0] k0 = key_r[63:0];
    wire [63:0] k1 = key_r[127:64];

    // ---- processor state (one-hot) --------------------------------------
    reg         st_idle, st_perm, st_block, st_fin;
    // Copies of st_idle for the wide loads, so that `go` and the control
    // logic hang off a flip-flop with few loads: idle_dp for the state's
    // input layer and enable, idle_cfg for the configuration registers.
    reg         idle_dp, idle_cfg;
    reg [319:0] x;
    reg         x_clr;        // clear x now: the message ended or failed last cycle
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
    reg         dec_msg;      // dec_r && a_msg
    reg [SW-1:0] sd;          // what is left of that section (see `section`)
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

    // ---- output buffer --------------------------------------------------
    reg [127:0] o_blk;
    reg         o_valid;
    /* verilator lint_off UNUSEDSIGNAL */
    reg         o_hi;         // BUS=64: the next beat is the upper half
    /* verilator lint_on UNUSEDSIGNAL */
    reg [15:0]  o_keep;
    reg         o_last;       // the block holds the message's last bytes

    // ---- handshakes -----------------------------------------------------
    genvar j;
    assign busy = !st_idle;
    reg    rdy;               // (a_ad || a_msg) && !full, a cycle ahead
    assign in_ready = rdy && !bad;
    // A beat is taken when in_valid && in_ready; the assembler's registers
    // use the same without `bad`: a bad beat kills the message, and all of
    // them are reloaded before they matter again.
    wire   take = in_valid && rdy;
    // What this beat must carry: min(bytes left, BB) bytes, `last` if that
    // is all.
    wire [BB-1:0] e_keep;
    generate
        for (j = 0; j < BB; j = j + 1) begin : g_keep
            if (BB == 16) begin : g16
                assign e_keep[j] = sd[D_NZ] || sd[D_TMASK + j];
            end else begin : g8
                /* verilator lint_off CMPCONST */
                assign e_keep[j] = sd[D_NZ] || ({29'd0, sd[D_T16 +: 3]} > j);
                /* verilator lint_on CMPCONST */
            end
        end
    endgenerate
    wire   beat_bad = take && ((in_keep != e_keep) || (in_last != sd[D_LAST]));
    assign out_valid = o_valid;
    wire   o_fire = o_valid && out_ready;
    wire   go = st_idle && start;
    // consume: a complete block waits and may be absorbed now. It gates the
    // 320 state flip-flops, so it is a flip-flop of its own (computed from
    // the next values of what it depends on). `bad` is not in it: a bad beat
    // kills the message, and every register consume reaches is cleared or
    // reloaded then (x a cycle later, through x_clr).
    reg    consume;

    wire   fin_go = st_fin && !o_valid;
    wire   perm_end = perm_last;  // perm_last is only ever set in st_perm
    wire   advance = (idle_dp && start) || st_perm || consume;
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
    // While idle the input is IV||K||N; otherwise absorbing a block (its
    // padding bit travels in blk), domain separation and the key additions
    // are all XORs into the state. Decrypting, the ciphertext replaces the
    // rate bytes it covers: the old rate is masked out. Each bit is one LUT.
    wire [127:0] dec_bits;
    generate
        for (j = 0; j < 16; j = j + 1) begin : g_byte_bits
            assign dec_bits[8*j +: 8] = {8{st_block && dec_bytes[j]}};
        end
    endgenerate
    wire [127:0] rate_in = idle_dp ? {key[63:0], IV}
                         : (x[127:0] & ~dec_bits) ^ (st_block ? blk : 128'd0);
    wire [63:0]  x2_in = (idle_dp ? key[127:64] : x[191:128] ^ (add_fin ? k0 : 64'd0))
                       ^ {56'd0, rc};
    wire [63:0]  x3_in = idle_dp ? nonce[63:0] : x[255:192] ^ ij3;
    wire [63:0]  x4_in = idle_dp ? nonce[127:64]
                       : x[319:256] ^ (add_k_hi ? k1 : 64'd0) ^ {add_dsep, 63'd0};
    wire [319:0] perm_out;
    ascon_perm #(.ROUNDS_PER_CYCLE(R)) u_perm (
        .state_in({x4_in, x3_in, x2_in, rate_in}), .round(rnd), .state_out(perm_out)
    );

    // Decrypting, tag_ok compares the tag with the expected one over all
    // 128 bits, no early exit: the tag is taken in 43 slices of three bits,
    // each slice's equality registered beside tag_out, and tag_ok ANDs them.
    reg          tag_check;
    reg  [42:0]  tag_eq;
    wire [128:0] tag_now = {1'b0, x4_in, x3_in};
    wire [128:0] tag_exp = {1'b0, tag_in_r};
    assign tag_ok = tag_check && &tag_eq;

    // ---- next block ---------------------------------------------------------
    // A block starts at `start` (the first section), when a section goes on,
    // and when the message follows the AD; it takes min(v, 16) bytes.
    // to_msg: the AD's final block is absorbed now. Its own flip-flop, set
    // with consume: a_final and a_ad hold still from the cycle before a
    // consume (the block started two or more cycles earlier).
    reg        to_msg;
    wire       blk_start = !kill && (go || (consume && !a_final) || to_msg);
    // The lengths are stable from the cycle before `start` (the core
    // contract), so their section descriptors are registered every cycle
    // and taken from these registers at `start`.
    // msg_sec, loaded while idle, is then held for the switch from the AD.
    reg  [SW-1:0] ad_pre, msg_sec;
    reg           ad_none;
    wire [4:0]    ad_hi, msg_hi;  // six-bit slice ORs of len[31:6]
    wire [NF-1:0] ad_lo, msg_lo, ad_hf, msg_hf;
    ascon_len_low_flags #(.BB(BB)) u_ad_lo (.lo(ad_len[5:0]), .f(ad_lo));
    ascon_len_low_flags #(.BB(BB)) u_msg_lo (.lo(msg_len[5:0]), .f(msg_lo));
    agilis_or_slices #(.W(26)) u_ad_hi (.a(ad_len[31:6]), .slice(ad_hi));
    agilis_or_slices #(.W(26)) u_msg_hi (.a(msg_len[31:6]), .slice(msg_hi));
    generate
        for (j = 0; j < NF; j = j + 1) begin : g_flags
            agilis_and_none #(.W(5)) u_ad (.a(ad_hi), .b(ad_lo[j]), .y(ad_hf[j]));
            agilis_and_none #(.W(5)) u_msg (.a(msg_hi), .b(msg_lo[j]), .y(msg_hf[j]));
        end
    endgenerate
    always @(posedge clk) begin
        ad_pre <= decoded(section(ad_len, ad_hf));
        ad_none <= ad_hf[5];
        if (idle_cfg) msg_sec <= decoded(section(msg_len, msg_hf));
    end
    // sd's next value: the first section while idle, the message section at
    // the switch from the AD, and after a beat a whole beat leaves nb - 1
    // and the last leaves nothing. (No beat is taken while idle or at the
    // switch: the block is full then.)
    wire          sd_sel_msg = (st_idle && ad_none) || to_msg;
    wire          sd_load = st_idle || to_msg || take;
    wire [SW-1:0] sd_d;
    reg  [SW-1:0] sd_beat;
    always @* begin
        sd_beat = sd;
        // (the last beat leaves L mod 16 for the final block's set-up)
        if (sd[D_LAST]) begin
            sd_beat[D_NB +: NBW] = {NBW{1'b0}};
            sd_beat[D_EQ1] = 1'b0;
            sd_beat[D_EQ2] = 1'b0;
            sd_beat[D_NZ] = 1'b0;
            sd_beat[D_GE16] = 1'b0;
            sd_beat[D_LAST] = 1'b0;
            sd_beat[D_DRAINED] = 1'b1;
        end else begin
            sd_beat[D_NB +: NBW] = sd[D_NB +: NBW] - 1'b1;
            sd_beat[D_EQ1] = sd[D_EQ2];
            sd_beat[D_EQ2] = !nb_hi && (sd[D_NB +: 2] == 2'd3);
            sd_beat[D_NZ] = !sd[D_EQ1];
            sd_beat[D_GE16] = (BB == 16) ? !sd[D_EQ1] : (!sd[D_EQ1] && !sd[D_EQ2]);
            sd_beat[D_LAST] = sd[D_EQ1] || (sd[D_EQ2] && sd[D_TB0]);
        end
    end
    wire          nb_hi;          // nb >= 4
    agilis_any #(.W(NBW - 2)) u_nb_hi (.a(sd[D_NB + 2 +: NBW - 2]), .y(nb_hi));
    generate
        for (j = 0; j < SW; j = j + 1) begin : g_sd_pick
            agilis_pick3 u_pick (.pick_a(sd_sel_msg), .pick_b(st_idle), .a(msg_sec[j]), .b(ad_pre[j]),
                                 .c(sd_beat[j]), .y(sd_d[j]));
        end
    endgenerate
    // whether the block that starts now is its section's final one: sd's
    // next value has fewer than 16 bytes left (a block starts at go and at
    // the switch, where sd loads, and at a consume, where it holds)
    wire          v_final = !(sd_load ? sd_d[D_GE16] : sd[D_GE16]);
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
    // In the setup cycle sd describes the bytes of the new block's section
    // still to come.
    wire       setup_empty = sd[D_DRAINED];
    // the block holds every byte it takes, next cycle (a new block's start
    // aside)
    wire       blk_full_next = setup ? setup_empty
                             : take ? ((BUS == 128) || one_beat || half)
                             : full;
    wire       n_full = blk_start || blk_full_next;
    // in_ready's flip-flop: n_full is 1 after a block start (go, consume),
    // and a_ad || a_msg is 0 while idle, so neither needs decoding here.
    wire       n_rdy = !kill && (a_ad || a_msg) && !consume && !blk_full_next;
    // the output buffer still holds a block next cycle (before any refill)
    wire       o_stays = o_valid && !(o_fire && !(BUS == 64 && !o_hi && o_keep[8]));
    wire       n_o_valid = !kill && ((consume && a_msg && lt_need[0]) || o_stays);
    wire       n_bad = !kill && beat_bad;
    wire       n_consume = n_st_block && blk_full_next
                  && ((a_ad && !(consume && a_final)) || !o_stays);
    integer    b;

    always @(posedge clk) begin
        // -------- processor control --------
        if (kill) begin
            st_idle <= 1'b1; st_perm <= 1'b0; st_block <= 1'b0; st_fin <= 1'b0;
            idle_dp <= 1'b1; idle_cfg <= 1'b1;
        end else begin
            if (go) begin st_idle <= 1'b0; st_perm <= 1'b1; end
            // (from its own value, so that synthesis keeps two flip-flops)
            if (idle_dp && start) idle_dp <= 1'b0;
            if (idle_cfg && start) idle_cfg <= 1'b0;
            if (perm_end) begin
                st_perm <= 1'b0;
                st_fin <= final_perm;
                st_block <= !final_perm;
            end
            if (consume) begin st_block <= 1'b0; st_perm <= 1'b1; end
            if (fin_go) begin st_fin <= 1'b0; st_idle <= 1'b1; idle_dp <= 1'b1; idle_cfg <= 1'b1; end
        end
        rnd <= n_rnd;
        rnd_step <= n_rnd_step;
        perm_last <= n_perm_last;
        // sampled at start: loaded in every idle cycle, so that the 300-odd
        // enables hang off idle_cfg, not off start
        if (idle_cfg) begin
            final_perm <= 1'b0;
            pend_initkey <= 1'b1;
            pend_dsep <= 1'b1;
            dec_r <= decrypt;
            key_r <= key[127:0];
            tag_in_r <= tag_in;
        end else if (consume) begin
            final_perm <= a_msg && a_final;
            pend_initkey <= 1'b0;
            if (a_msg) pend_dsep <= 1'b0;
        end
        // What the next advance adds: set as a permutation ends, cleared
        // once it has been added, and while idle (after a kill too; the
        // input layer ignores them while idle).
        if (idle_dp || consume || fin_go) begin
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
        consume <= n_consume;
        to_msg <= n_consume && a_final && a_ad;
        done <= !rst && (bad || fin_go);

        // -------- state --------
        // Nothing key-dependent stays after a message, nor after a failure:
        // the state is cleared in the cycle after either, from a flip-flop,
        // so that the clear is not a wide net behind `kill`. In a killed
        // cycle x may still advance once; nothing reads it before the clear.
        // x_clr is only ever set in an idle cycle, where advance == start: a
        // message starting then loads x instead (the input layer ignores x
        // while idle).
        x_clr <= kill || fin_go;
        if (x_clr && !start) begin
            x <= 320'd0;
        end else if (advance) begin
            x <= perm_out;
        end

        // (a failed message leaves tag_out as it was: the contract calls it
        // meaningless then, and tag_ok is cleared)
        if (kill) begin
            tag_check <= 1'b0;
        end else if (fin_go) begin
            tag_out <= {x4_in, x3_in};
            for (b = 0; b < 43; b = b + 1)
                tag_eq[b] <= (tag_now[3*b +: 3] == tag_exp[3*b +: 3]);
            tag_check <= dec_r;
        end else if (go) begin
            tag_check <= 1'b0;
        end
        if (rst) err <= 1'b0;
        else if (bad) err <= 1'b1;
        else if (go) err <= 1'b0;

        // -------- assembler --------
        if (kill) begin
            a_ad <= 1'b0; a_msg <= 1'b0; dec_msg <= 1'b0;
        end else if (go) begin
            a_ad <= !ad_none; a_msg <= ad_none; dec_msg <= ad_none && decrypt;
        end else if (consume && a_final) begin
            a_ad <= 1'b0; a_msg <= a_ad; dec_msg <= a_ad && dec_r;
        end
        rdy <= n_rdy;
        // A new block is set up the cycle after it starts, from registers,
        // so that the wide writes (blk, the byte masks) hang off flip-flops.
        // Until then the block counts as full: no beat is taken, and no
        // block can be consumed that early (the next permutation runs).
        setup <= blk_start;
        if (blk_start) a_final <= v_final;
        full <= n_full;
        // (setup and a beat never meet: the block is full until set up)
        if (setup) begin
            one_beat <= !sd[D_NZ] || (sd[D_EQ1] && sd[D_TB0]);
            half <= 1'b0;
            for (b = 0; b < 16; b = b + 1) begin
                lt_need[b] <= sd[D_GE16] || sd[D_TMASK + b];
                dec_bytes[b] <= (sd[D_GE16] || sd[D_TMASK + b]) && dec_msg;
                blk[8*b +: 8] <= {7'd0, !sd[D_GE16] && sd[D_TPAD + b]};  // padding
            end
        end else if (take) begin
            half <= 1'b1;
            for (b = 0; b < BB; b = b + 1)
                if (in_keep[b]) begin
                    if (BUS == 64 && half) blk[64 + 8*b +: 8] <= in_data[8*b +: 8];
                    else blk[8*b +: 8] <= in_data[8*b +: 8];
                end
        end
        // The first section is loaded while idle, the message section when
        // the AD's final block is absorbed (no beat is taken then: that
        // block is full).
        if (sd_load) sd <= sd_d;

        // -------- output buffer --------
        // The block is copied while a complete message block waits (x holds
        // still then), so its enable is one LUT of flip-flops; `consume`
        // only raises o_valid. Bytes past the message are zeroed, so the
        // bus never shows state bytes.
        if (st_block && a_msg && full && !o_valid) begin
            for (b = 0; b < 16; b = b + 1)
                o_blk[8*b +: 8] <= lt_need[b] ? x[8*b +: 8] ^ blk[8*b +: 8] : 8'd0;
            o_keep <= lt_need;
            o_last <= sd[D_DRAINED];
        end
        o_valid <= n_o_valid;
        if (consume) o_hi <= 1'b0;
        else if (o_fire && !o_hi && o_keep[8]) o_hi <= 1'b1;
    end
endmodule
