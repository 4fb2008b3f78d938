// Small cells of ascon_aead128's control, each its own hierarchy through LUT
// mapping (like ascon_sbox), so that Yosys maps it alone and cannot stretch
// it into a serial chain while optimising the whole core for area: a wide
// zero test becomes a two-level tree, a three-way pick one LUT per bit.

/* verilator lint_off DECLFILENAME */

// ~|a as a two-level tree of LUT6s (W <= 36)
(* keep_hierarchy *)
module ascon_zero #(
    parameter integer W = 26
) (
    input  wire [W-1:0] a,
    output wire         z
);
    localparam integer G = (W + 5) / 6;
    wire [G-1:0] part;
    ascon_zero_parts #(.W(W)) u_parts (.a(a), .part(part));
    ascon_and6 #(.W(G)) u_and (.a(part), .z(z));
endmodule

// the six-bit slices of ~|a, one LUT each: (~|a) && f is then one more
// LUT (ascon_and6 of the slices and f) for each f
module ascon_zero_parts #(
    parameter integer W = 26
) (
    input  wire [W-1:0]         a,
    output wire [(W+5)/6-1:0]   part
);
    genvar g;
    generate
        for (g = 0; g < (W + 5) / 6; g = g + 1) begin : g_part
            localparam integer LO = 6 * g;
            localparam integer HI = (6 * g + 5 < W) ? 6 * g + 5 : W - 1;
            ascon_nor6 #(.W(HI - LO + 1)) u_part (.a(a[HI:LO]), .z(part[g]));
        end
    endgenerate
endmodule

// &a, W <= 6: one LUT
(* keep_hierarchy *)
module ascon_and6 #(
    parameter integer W = 6
) (
    input  wire [W-1:0] a,
    output wire         z
);
    assign z = &a;
endmodule

// y = pick_a ? a : pick_b ? b : c, one LUT5
(* keep_hierarchy *)
module ascon_pick3 (
    input  wire pick_a,
    input  wire pick_b,
    input  wire a,
    input  wire b,
    input  wire c,
    output wire y
);
    assign y = pick_a ? a : pick_b ? b : c;
endmodule

// ~|a, W <= 6: one LUT
(* keep_hierarchy *)
module ascon_nor6 #(
    parameter integer W = 6
) (
    input  wire [W-1:0] a,
    output wire         z
);
    assign z = ~|a;
endmodule

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
