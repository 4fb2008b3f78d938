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
