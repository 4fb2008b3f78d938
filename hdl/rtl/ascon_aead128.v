// Ascon-AEAD128 (NIST SP 800-232), encryption and decryption, behind the
// core contract of hdl/README.md.
//
// ROUNDS_PER_CYCLE (1, 2 or 4: the divisors of both 8 and 12) sets how many
// permutation rounds one clock computes; BUS (64 or 128) is the stream width.
// `start` loads IV||K||N; then every clock advances the permutation by R
// rounds. The last advance of a permutation also absorbs the next block,
// so a message costs 1 + ceil(12/R) + per-block ceil(8/R) + ceil(12/R)
// clocks until `done`; input beats for the next block are taken while the
// current permutation runs, and a permutation whose block is late waits
// before its last advance.
//
// Timing shape (docs/hdl-ascon-aead128.md): the state register x is the
// only register in the datapath loop, and each round is two LUT levels:
// the S-box (ascon_sbox) and the linear layer. The last round's linear
// layer and everything the advance adds to the state (the block, its
// decryption overwrite, key additions, domain separation, the next round's
// constant, the load at `start`) are one LUT per state bit: each input of
// that LUT is a flip-flop (aw, take_aw, add, idle_dp) computed a cycle ahead
// by the control below, or the key/nonce ports at `start`.
// The lengths are registered as descriptors in the cycle before `start`,
// and the key's bytes 0..7 are too (so both must be stable then:
// hdl/README.md).
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
    output wire [127:0]     tag_out,
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

    // ---- processor --------------------------------------------------------
    reg         st_idle, st_perm, st_fin;  // one-hot
    // Copies of st_idle for the wide loads: idle_dp selects the load in the
    // state's 192 x2..x4 LUTs, idle_cfg enables the configuration registers,
    // idle_ctl and idle_ab feed the control of the next advance (idle_ab
    // only the decode of aw's resets).
    reg         idle_dp, idle_cfg, idle_ctl, idle_ab;
    // The state. x2[7:0] also carries the constant of the next advance's
    // first round, added when x was written.
    reg [319:0] x;
    reg         x_clr;        // clear x now: the message ended or failed last cycle
    reg [3:0]   rnd_step;     // the first round of the next advance, plus R
    reg         perm_last;    // the next advance ends its permutation
    reg         pre_last;     // rnd_step == 12 - R: the advance after the next is last
    reg         final_perm;   // the running permutation is the final p12
    reg         pend_initkey; // 0^192 || K still to be added (init's last advance)
    reg         pend_dsep;    // domain separation still to be added
    // What the next advance adds, each a flip-flop (see the header):
    reg         absorb;       // it is a permutation's last and absorbs the block in aw
    reg         abs_msg;      // ... a message block
    reg         abs_final;    // ... its section's final block
    reg         abs_p12;      // ... the message's final block: the final p12 follows
    reg [127:0] aw;           // into the rate: blk when absorbing, IV||K0 while idle, else 0
    reg [15:0]  take_aw;      // rate byte b takes aw instead of XORing it (decryption, load)
    reg [63:0]  add2, add3, add4;  // into x2..x4: keys, domain separation, x2[7:0] the constant
    reg [8*R-1:0] inner_rc;   // constants of its rounds 1 .. R-1 (ascon_perm)
    reg [127:0] tag_r;        // (x3, x4) after the final advance: the tag
    reg         tag_check;    // decrypting: tag_ok compares tag_r

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
    reg         cmpl;         // blk is complete: full, and neither starting nor being set up

    // ---- output buffer --------------------------------------------------
    reg [127:0] o_blk;
    reg         o_valid;
    /* verilator lint_off UNUSEDSIGNAL */
    reg         o_hi;         // BUS=64: the next beat is the upper half
    /* verilator lint_on UNUSEDSIGNAL */
    reg [15:0]  o_keep;
    reg         o_last;       // the block holds the message's last bytes
    reg         o_more;       // BUS=64: a beat follows this one (!o_hi && o_keep[8])
    reg         o_load;       // the advance now absorbs a message block: o_blk takes its output
    reg [15:0]  o_zero;       // ... and byte b of it is past the message

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
    wire   kill = rst || bad;
    wire   fin_adv = perm_last && final_perm;  // (perm_last is only ever set in st_perm)
    wire   tag_en;  // fin_adv, for tag_r
    ascon_tag_en u_tag_en (.perm_last(perm_last), .final_perm(final_perm), .en(tag_en));
    // x's enable: a start, or an advance, which happens in st_perm unless
    // the permutation's last one waits for its block (or for the output
    // buffer): st_perm && (!perm_last || final_perm || absorb)
    wire   x_en;
    ascon_state_en u_x_en (.st_idle(st_idle), .start(start), .st_perm(st_perm), .perm_last(perm_last),
                           .final_perm(final_perm), .absorb(absorb), .en(x_en));

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

    // ---- the datapath (SP 800-232 Alg. 3/4) ----------------------------------
    wire [319:0] sub;  // the last round's S-box output
    ascon_perm #(.ROUNDS_PER_CYCLE(R)) u_perm (.state_in(x), .inner_rc(inner_rc), .sub_last(sub));
`include "ascon_linear.vh"
    // Rate bit (inputs: the three linear-layer bits, aw, take_aw):
    // x takes take_aw ? aw : lin ^ aw, the output buffer lin ^ aw (the
    // ciphertext, or decrypting the plaintext). One LUT site for both.
    function [31:0] rate_table;
        input integer out_buf;
        integer v;
        begin
            rate_table = 32'd0;
            for (v = 0; v < 32; v = v + 1)
                rate_table[v] = (out_buf == 0 && v[4]) ? v[3] : v[0] ^ v[1] ^ v[2] ^ v[3];
        end
    endfunction
    // Capacity bit (inputs: the three linear-layer bits, add, the load
    // value, idle_dp): idle_dp ? load : lin ^ add.
    function [63:0] cap_table;
        input integer unused;
        integer v;
        begin
            cap_table = 64'd0;
            for (v = 0; v < 64; v = v + 1)
                cap_table[v] = v[5] ? v[4] : v[0] ^ v[1] ^ v[2] ^ v[3];
        end
    endfunction
    wire [127:0] rate_next, rate_out;
    wire [191:0] cap_next;
    // The load at start: x2 = K1 with round 0's constant 0xf0, x3/x4 = N.
    wire [191:0] cap_load = {nonce, key[127:64] ^ 64'hF0};
    wire [191:0] cap_add = {add4, add3, add2};
    genvar w, i;
    generate
        for (w = 0; w < 5; w = w + 1) begin : g_end
            localparam integer A = rot_a(w);
            localparam integer B = rot_b(w);
            for (i = 0; i < 64; i = i + 1) begin : g_bit
                wire [2:0] lin = {sub[64*w + (i + B) % 64], sub[64*w + (i + A) % 64], sub[64*w + i]};
                if (w < 2) begin : g_rate
                    agilis_lut5x2 #(.F6(rate_table(0)), .F5(rate_table(1))) u_rate (
                        .i({take_aw[(64*w + i) / 8], aw[64*w + i], lin}),
                        .o6(rate_next[64*w + i]), .o5(rate_out[64*w + i])
                    );
                end else begin : g_cap
                    agilis_lut6 #(.F(cap_table(0))) u_cap (
                        .i({idle_dp, cap_load[64*(w-2) + i], cap_add[64*(w-2) + i], lin}),
                        .o(cap_next[64*(w-2) + i])
                    );
                end
            end
        end
    endgenerate
    assign tag_out = tag_r;
    wire tag_differs;
    agilis_differ #(.W(128)) u_tag (.a(tag_r), .b(tag_in_r), .y(tag_differs));
    assign tag_ok = tag_check && !tag_differs;

    // ---- next block ---------------------------------------------------------
    // A block starts at `start` (the first section), when a section goes on
    // (as aw takes the block before it, a cycle before its absorb), and when
    // the message follows the AD; it takes min(v, 16) bytes.
    // to_msg: the AD's final block is absorbed now. Its own flip-flop, set
    // with absorb: a_final and a_ad hold still from the cycle before an
    // absorb (the block started two or more cycles earlier).
    reg        to_msg;
    wire       blk_start = !kill && (go || n_absorb_more || to_msg);
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
    // the switch, where sd loads, and at an absorb, where it holds)
    wire          v_final = !(sd_load ? sd_d[D_GE16] : sd[D_GE16]);
    // In the setup cycle sd describes the bytes of the new block's section
    // still to come.
    wire       setup_empty = sd[D_DRAINED];
    // the block holds every byte it takes, next cycle (a new block's start
    // aside)
    wire       blk_full_next = setup ? setup_empty
                             : take ? ((BUS == 128) || one_beat || half)
                             : full;
    // (full and cmpl leave kill out: a killed message takes no beat, and
    // the block's state is set up again at the next start)
    wire       blk_starts = go || n_absorb_more || to_msg;
    wire       n_full = blk_starts || blk_full_next;
    // in_ready's flip-flop: n_full is 1 after a block start (go, absorb),
    // and a_ad || a_msg is 0 while idle, so neither needs decoding here.
    wire       n_rdy = !kill && (a_ad || a_msg) && !blk_full_next;
    // ---- control: what the next cycle does --------------------------------
    // Round indices step by R within a permutation: rnd_step is the next
    // advance's first round plus R, pre_last whether rnd_step == 12 - R.
    // next_p12: the block a last advance will absorb ends the message, so
    // the final p12 follows (else a p8 from round 4); abs_p12: the same of
    // the block absorbed now (blk may hold the next block already). Idle,
    // the next advance is init's first, from round 0.
    wire       next_p12 = a_msg && a_final;
    integer    b;
    // The round schedule of the next advance (ascon_round_ctl): rnd_step,
    // pre_last and inner_rc's next values, and the constant a non-last
    // advance folds into x2[7:0] (that of the round after it).
    wire [3:0] n_rnd_step;
    wire       n_pre_last;
    wire [8*R-1:0] n_inner_rc;
    wire [7:0] fold_step;
    ascon_round_ctl #(.R(R)) u_round_ctl (
        .idle(idle_ctl), .perm_last(perm_last), .final_perm(final_perm), .absorb(absorb), .st_perm(st_perm),
        .abs_p12(abs_p12), .rnd_step(rnd_step), .pre_last(pre_last), .inner_rc(inner_rc),
        .n_rnd_step(n_rnd_step), .n_pre_last(n_pre_last), .n_inner_rc(n_inner_rc), .fold_step(fold_step)
    );
    // Whether the next advance ends its permutation (a permutation has at
    // least two advances: R <= 4; perm_last is cleared by kill), and what
    // that last advance adds besides the block (SP 800-232): K into (x3, x4)
    // after init and for the tag; K into (x2, x3) with the final block;
    // domain separation with the first message block.
    wire       n_perm_last, n_no_k34, n_no_kfin, n_dsep;
    ascon_add_ctl u_add_ctl (
        .perm_last(perm_last), .final_perm(final_perm), .absorb(absorb), .st_perm(st_perm), .pre_last(pre_last),
        .pend_initkey(pend_initkey), .pend_dsep(pend_dsep), .a_msg(a_msg), .a_final(a_final),
        .last(n_perm_last), .no_k34(n_no_k34), .no_kfin(n_no_kfin), .dsep(n_dsep)
    );
    // the output buffer still holds a block next cycle (before any refill)
    wire       o_go = out_ready && !o_more;
    wire       o_stays = o_valid && !o_go;
    // The final advance is done; the message is, once its output is taken.
    wire       fin_go = (fin_adv || st_fin) && !o_stays;
    // The next advance is a non-final permutation's last: it absorbs blk
    // once blk is complete (cmpl) and, for a message block, the output
    // buffer is free. kill is left out: the cycle after a kill is idle,
    // where an absorb changes nothing that matters, and the output buffer
    // stays empty. aw and take_aw carry the load while the core is (or may
    // next be) idle: also through st_fin and the final advance, where
    // nothing reads them.
    wire       ab_nl, ab_cand, ab_ended, ab_stay, aw_nl, aw_cand, aw_ended, aw_stay;
    wire       n_absorb, n_absorb_msg, n_absorb_final, n_absorb_p12, n_absorb_to_msg, n_absorb_more;
    wire       n_load, aw_clear_all, aw_clear_zero;
    ascon_absorb_pre u_absorb_pre (
        .final_perm(final_perm), .perm_last(perm_last), .absorb(absorb), .st_perm(st_perm), .pre_last(pre_last),
        .cmpl(cmpl), .a_ad(a_ad), .o_valid(o_valid), .out_ready(out_ready), .o_more(o_more),
        .rst(rst), .bad(bad), .st_fin(st_fin), .st_idle(idle_ab), .start(start),
        .nl(ab_nl), .cand(ab_cand), .ended(ab_ended), .stay(ab_stay)
    );
    ascon_absorb_ctl u_absorb_ctl (
        .nl(ab_nl), .cand(ab_cand), .a_ad(a_ad), .a_msg(a_msg), .a_final(a_final),
        .n_absorb(n_absorb), .n_absorb_msg(n_absorb_msg), .n_absorb_final(n_absorb_final),
        .n_absorb_p12(n_absorb_p12), .n_absorb_to_msg(n_absorb_to_msg), .n_absorb_more(n_absorb_more)
    );
    ascon_absorb_pre u_aw_pre (
        .final_perm(final_perm), .perm_last(perm_last), .absorb(absorb), .st_perm(st_perm), .pre_last(pre_last),
        .cmpl(cmpl), .a_ad(a_ad), .o_valid(o_valid), .out_ready(out_ready), .o_more(o_more),
        .rst(rst), .bad(bad), .st_fin(st_fin), .st_idle(idle_ab), .start(start),
        .nl(aw_nl), .cand(aw_cand), .ended(aw_ended), .stay(aw_stay)
    );
    ascon_aw_ctl u_aw_ctl (
        .nl(aw_nl), .cand(aw_cand), .ended(aw_ended), .stay(aw_stay),
        .n_load(n_load), .clear_all(aw_clear_all), .clear_zero(aw_clear_zero)
    );
    // (the block control needs neither of these)
    /* verilator lint_off UNUSEDSIGNAL */
    wire       ab_unused = ab_ended || ab_stay;
    /* verilator lint_on UNUSEDSIGNAL */
    // the constant the next advance folds into x2[7:0]: that of the round
    // after it (a last advance: the next permutation's first, 0 or 4)
    wire [7:0] fold_rc = n_perm_last ? (next_p12 ? 8'hF0 : 8'hB4) : fold_step;
    wire       n_o_valid = !kill && ((o_load && st_perm && lt_need[0]) || o_stays);
    wire       n_bad = !kill && beat_bad;

    always @(posedge clk) begin
        // -------- processor control --------
        if (kill) begin
            st_idle <= 1'b1; st_perm <= 1'b0; st_fin <= 1'b0;
            idle_dp <= 1'b1; idle_cfg <= 1'b1; idle_ctl <= 1'b1; idle_ab <= 1'b1;
        end else begin
            if (go) begin st_idle <= 1'b0; st_perm <= 1'b1; end
            // (from its own value, so that synthesis keeps two flip-flops)
            if (idle_dp && start) idle_dp <= 1'b0;
            if (idle_cfg && start) idle_cfg <= 1'b0;
            if (idle_ctl && start) idle_ctl <= 1'b0;
            if (idle_ab && start) idle_ab <= 1'b0;
            if (fin_adv) begin st_perm <= 1'b0; st_fin <= 1'b1; end
            if (fin_go) begin st_fin <= 1'b0; st_idle <= 1'b1; idle_dp <= 1'b1; idle_cfg <= 1'b1; idle_ctl <= 1'b1; idle_ab <= 1'b1; end
        end
        rnd_step <= n_rnd_step;
        pre_last <= n_pre_last;
        if (kill) perm_last <= 1'b0;
        else perm_last <= n_perm_last;
        // sampled at start: loaded in every idle cycle, so that the 300-odd
        // enables hang off idle_cfg, not off start
        if (idle_cfg) begin
            final_perm <= 1'b0;
            pend_initkey <= 1'b1;
            pend_dsep <= 1'b1;
            dec_r <= decrypt;
            key_r <= key[127:0];
            tag_in_r <= tag_in;
        end else if (absorb) begin
            final_perm <= abs_p12;
            pend_initkey <= 1'b0;
            if (abs_msg) pend_dsep <= 1'b0;
        end
        absorb <= n_absorb;
        abs_msg <= n_absorb_msg;
        abs_final <= n_absorb_final;
        abs_p12 <= n_absorb_p12;
        // aw: the block for an absorbing advance, IV || K0 for the load at
        // start (the key's low half is read a cycle before start), else 0
        // (IV's zero bits load as zeros, through the resets)
        for (b = 0; b < 128; b = b + 1) begin
            if (b < 64 && !IV[b % 64]) begin
                if (aw_clear_zero) aw[b] <= 1'b0;
                else aw[b] <= blk[b];
            end else begin
                if (aw_clear_all) aw[b] <= 1'b0;
                else aw[b] <= n_load ? (b < 64 ? 1'b1 : key[b - 64]) : blk[b];
            end
        end
        take_aw <= n_load ? 16'hFFFF : n_absorb ? dec_bytes : 16'd0;
        // (the key words are cleared through the flip-flops' resets)
        if (n_no_kfin) add2[63:8] <= 56'd0;
        else add2[63:8] <= k0[63:8];
        add2[7:0] <= (n_no_kfin ? 8'd0 : k0[7:0]) ^ fold_rc;
        add3 <= (n_no_k34 ? 64'd0 : k0) ^ (n_no_kfin ? 64'd0 : k1);
        if (n_no_k34) add4[62:0] <= 63'd0;
        else add4[62:0] <= k1[62:0];
        add4[63] <= (!n_no_k34 && k1[63]) ^ n_dsep;
        inner_rc <= n_inner_rc;
        bad <= n_bad;
        to_msg <= n_absorb_to_msg;
        done <= !rst && (bad || fin_go);

        // -------- state --------
        // Nothing key-dependent stays after a message, nor after a failure:
        // x is cleared in the cycle after either (x_clr, a flip-flop, so
        // that the clear is not a wide net behind `kill`). In a killed cycle
        // x may still advance once; nothing reads it before the clear. A
        // message starting in the clear's cycle loads x instead.
        x_clr <= kill || fin_go;
        if (x_clr && !start) begin
            x <= 320'd0;
        end else if (x_en) begin
            x <= {cap_next, rate_next};
        end

        // (a failed message leaves tag_r as it was: the contract calls it
        // meaningless then, and tag_ok is cleared)
        if (kill || go) tag_check <= 1'b0;
        else if (fin_adv) tag_check <= dec_r;
        if (tag_en) tag_r <= cap_next[191:64];
        if (rst) err <= 1'b0;
        else if (bad) err <= 1'b1;
        else if (go) err <= 1'b0;

        // -------- assembler --------
        if (kill) begin
            a_ad <= 1'b0; a_msg <= 1'b0; dec_msg <= 1'b0;
        end else if (go) begin
            a_ad <= !ad_none; a_msg <= ad_none; dec_msg <= ad_none && decrypt;
        end else if (abs_final) begin
            a_ad <= 1'b0; a_msg <= a_ad; dec_msg <= a_ad && dec_r;
        end
        rdy <= n_rdy;
        // A new block is set up the cycle after it starts, from registers,
        // so that the wide writes (blk, the byte masks) hang off flip-flops.
        // Until then the block counts as full: no beat is taken.
        setup <= blk_start;
        if (blk_start) a_final <= v_final;
        full <= n_full;
        cmpl <= !blk_starts && blk_full_next;
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
        // Loaded by the advance that absorbs a message block (its enable
        // and byte clears are flip-flops set with `absorb`). Bytes past the
        // message are zeroed, so the bus never shows state bytes.
        o_load <= n_absorb_msg;
        for (b = 0; b < 16; b = b + 1)
            o_zero[b] <= n_absorb_msg && !lt_need[b];
        for (b = 0; b < 16; b = b + 1) begin
            if (o_zero[b]) o_blk[8*b +: 8] <= 8'd0;
            else if (o_load) o_blk[8*b +: 8] <= rate_out[8*b +: 8];
        end
        if (o_load) begin
            o_keep <= lt_need;
            o_last <= sd[D_DRAINED];
        end
        o_valid <= n_o_valid;
        if (o_load) begin
            o_hi <= 1'b0;
            o_more <= (BUS == 64) && lt_need[8];
        end else if (o_fire && o_more) begin
            o_hi <= 1'b1;
            o_more <= 1'b0;
        end
    end
endmodule
