// Ascon-specific control cell of ascon_aead128, mapped on its own (like
// ascon_sbox); the generic cells it also uses are in agilis_cells.v.
/* verilator lint_off DECLFILENAME */

// The part of a section's flags (ascon_aead128's descriptors) that depends
// on the length's six low bits, for BB bytes per beat; each one LUT6.
// f: nb == 1, nb == 2, nb == 0, len < 16, the first beat is the last,
// len == 0 (nb = len / BB, given len[31:6] == 0).
(* keep_hierarchy *)
module ascon_len_low_flags #(
    parameter integer BB = 16
) (
    input  wire [5:0] lo,
    output wire [5:0] f
);
    wire [2:0] nb_lo = (BB == 16) ? {1'b0, lo[5:4]} : lo[5:3];
    wire       t0 = (BB == 16) ? (lo[3:0] == 4'd0) : (lo[2:0] == 3'd0);
    assign f[0] = (nb_lo == 3'd1);
    assign f[1] = (nb_lo == 3'd2);
    assign f[2] = (nb_lo == 3'd0);
    assign f[3] = (lo[5:4] == 2'd0);
    assign f[4] = (nb_lo == 3'd0) || (nb_lo == 3'd1 && t0);
    assign f[5] = (lo == 6'd0);
endmodule

// What ascon_aead128's next advance absorbs, from flip-flops in two LUT
// levels (the first level here, so that no output waits for another: they
// drive aw's 128 resets and the block's set-up). nl: the next
// advance ends a non-final permutation; cand: the block is complete and,
// for a message block, the output buffer free; ended: the message ends or
// fails now; stay: idle without a start.
(* keep_hierarchy *)
module ascon_absorb_pre (
    input  wire final_perm, perm_last, absorb, st_perm, pre_last,
    input  wire cmpl, a_ad, o_valid, out_ready, o_more,
    input  wire rst, bad, st_fin, st_idle, start,
    output wire nl, cand, ended, stay
);
    assign nl = !final_perm && (perm_last ? !absorb : (st_perm && pre_last));
    assign cand = cmpl && (a_ad || !(o_valid && !(out_ready && !o_more)));
    assign ended = rst || bad || (perm_last && final_perm) || st_fin;
    assign stay = st_idle && !start;
endmodule

// The second level, for aw (fed by one ascon_absorb_pre, so that its
// resets do not share a net with the block control below): load: the core
// is (or may next be) idle, where aw carries IV || K0; clear_all /
// clear_zero: aw is cleared (the resets of the bits whose load value is 1
// or the key / of those whose load value is 0).
(* keep_hierarchy *)
module ascon_aw_ctl (
    input  wire nl, cand, ended, stay,
    output wire n_load,
    output wire clear_all,
    output wire clear_zero
);
    assign n_load = ended || stay;
    assign clear_all = !((nl && cand) || ended || stay);
    assign clear_zero = !(nl && cand && !ended && !stay);
endmodule

// The second level, for the rest (fed by another ascon_absorb_pre): the
// next advance absorbs the block (_msg: a message block, _final: its
// section's last, _p12: the message's last, _to_msg: the AD's last, _more:
// not its section's last, so that the next block starts now).
(* keep_hierarchy *)
module ascon_absorb_ctl (
    input  wire nl, cand, a_ad, a_msg, a_final,
    output wire n_absorb,
    output wire n_absorb_msg,
    output wire n_absorb_final,
    output wire n_absorb_p12,
    output wire n_absorb_to_msg,
    output wire n_absorb_more
);
    assign n_absorb = nl && cand;
    assign n_absorb_msg = nl && cand && a_msg;
    assign n_absorb_final = nl && cand && a_final;
    assign n_absorb_p12 = nl && cand && a_msg && a_final;
    assign n_absorb_to_msg = nl && cand && a_ad && a_final;
    assign n_absorb_more = nl && cand && !a_final;
endmodule

// What ascon_aead128's next advance adds besides the block, from flip-flops
// in at most two LUT levels (mapped on its own: each enable drives 64 or
// more flip-flops). last: the next advance ends its permutation; k34: K into
// (x3, x4) (init's last, the tag); kfin: K into (x2, x3) (the message's
// final block); dsep: domain separation (the first message block). The
// key enables come out inverted, as the resets of the words they clear.
(* keep_hierarchy *)
module ascon_add_ctl (
    input  wire perm_last, final_perm, absorb, st_perm, pre_last,
    input  wire pend_initkey, pend_dsep, a_msg, a_final,
    output wire last,
    output wire no_k34,
    output wire no_kfin,
    output wire dsep
);
    assign last = perm_last ? !(final_perm || absorb) : (st_perm && pre_last);
    assign no_k34 = !(last && (pend_initkey || final_perm));
    assign no_kfin = !(last && !final_perm && a_msg && a_final);
    assign dsep = last && !final_perm && a_msg && pend_dsep;
endmodule

// The enable of tag_r in ascon_aead128, the final advance (its own LUT,
// so that the control's copy of the same decode keeps few loads).
(* keep_hierarchy *)
module ascon_tag_en (
    input  wire perm_last, final_perm,
    output wire en
);
    assign en = perm_last && final_perm;
endmodule

// x's enable in ascon_aead128: a start while idle, or an advance (one LUT
// for the 400-odd flip-flops).
(* keep_hierarchy *)
module ascon_state_en (
    input  wire st_idle, start, st_perm, perm_last, final_perm, absorb,
    output wire en
);
    assign en = (st_idle && start) || (st_perm && (!perm_last || final_perm || absorb));
endmodule

// The round schedule of ascon_aead128's next advance, from flip-flops:
// rnd_step (its first round plus R), pre_last (rnd_step == 12 - R: the
// advance after it is last), the constants of its inner rounds, and
// fold_step, the constant of the round after it when it is not a
// permutation's last. Each is a multiplexer of constants and one LUT of
// rnd_step under the selects below, so no adder sits behind a multiplexer;
// mapped on its own, so that fold_step reaches the x2 addend in two levels.
(* keep_hierarchy *)
module ascon_round_ctl #(
    parameter integer R = 2
) (
    input  wire           idle, perm_last, final_perm, absorb, st_perm, abs_p12,
    input  wire [3:0]     rnd_step,
    input  wire           pre_last,
    input  wire [8*R-1:0] inner_rc,
    output wire [3:0]     n_rnd_step,
    output wire           n_pre_last,
    output reg  [8*R-1:0] n_inner_rc,
    output wire [7:0]     fold_step
);
    function [7:0] rc_of;  // the constant of round ri (SP 800-232: ri = 0 .. 11 of p12)
        input [3:0] ri;
        rc_of = {~ri, ri};
    endfunction
    // the next advance is: init's first (idle), the first of a permutation
    // after a last one (p12 after the message's final block, else p8 from
    // round 4), the next of this one, or (no advance now) this one again
    // (perm_last is only ever set in st_perm)
    wire adv_last = perm_last && (final_perm || absorb);
    wire advance = st_perm && (!perm_last || final_perm || absorb);
    assign n_rnd_step = idle ? R[3:0]
                      : adv_last ? (abs_p12 ? R[3:0] : 4'd4 + R[3:0])
                      : advance ? rnd_step + R[3:0]
                      : rnd_step;
    assign n_pre_last = idle ? (R == 6)
                      : adv_last ? (abs_p12 ? (R == 6) : (4 + 2 * R == 12))
                      : advance ? (rnd_step + 2 * R[3:0] == 4'd12)
                      : pre_last;
    assign fold_step = idle ? rc_of(R[3:0])
                     : adv_last ? (abs_p12 ? rc_of(R[3:0]) : rc_of(4'd4 + R[3:0]))
                     : advance ? rc_of(rnd_step + R[3:0])
                     : rc_of(rnd_step);
    integer r;
    always @* begin
        n_inner_rc = {8*R{1'b0}};
        for (r = 1; r < R; r = r + 1)
            n_inner_rc[8*(r-1) +: 8] = idle ? rc_of(r[3:0])
                                     : adv_last ? (abs_p12 ? rc_of(r[3:0]) : rc_of(4'd4 + r[3:0]))
                                     : advance ? rc_of(rnd_step + r[3:0])
                                     : inner_rc[8*(r-1) +: 8];
    end
endmodule
