// Small control cells, each mapped on its own (keep_hierarchy), so that
// Yosys's area recovery over a whole design cannot stretch them into serial
// chains of LUTs: an OR over up to 36 bits stays a two-level tree, a pick one
// LUT per bit. Used by the Ascon core and by the lane array.
/* verilator lint_off DECLFILENAME */

// |a, W <= 6: one LUT
(* keep_hierarchy *)
module agilis_or6 #(
    parameter integer W = 6
) (
    input  wire [W-1:0] a,
    output wire         y
);
    assign y = |a;
endmodule

// The OR of each six-bit slice of a, one LUT each (slice g: a[6g+5:6g])
module agilis_or_slices #(
    parameter integer W = 17
) (
    input  wire [W-1:0]       a,
    output wire [(W+5)/6-1:0] slice
);
    genvar g;
    generate
        for (g = 0; g < (W + 5) / 6; g = g + 1) begin : g_slice
            localparam integer LO = 6 * g;
            localparam integer HI = (6 * g + 5 < W) ? 6 * g + 5 : W - 1;
            agilis_or6 #(.W(HI - LO + 1)) u_or (.a(a[HI:LO]), .y(slice[g]));
        end
    endgenerate
endmodule

// |a, W <= 36: a two-level tree of LUT6s
(* keep_hierarchy *)
module agilis_any #(
    parameter integer W = 17
) (
    input  wire [W-1:0] a,
    output wire         y
);
    localparam integer G = (W + 5) / 6;
    wire [G-1:0] slice;
    agilis_or_slices #(.W(W)) u_slices (.a(a), .slice(slice));
    agilis_or6 #(.W(G)) u_all (.a(slice), .y(y));
endmodule

// b && ~|a, W <= 5: one LUT (with agilis_or_slices, "a wide value is zero
// and b" in two levels)
(* keep_hierarchy *)
module agilis_and_none #(
    parameter integer W = 5
) (
    input  wire [W-1:0] a,
    input  wire         b,
    output wire         y
);
    assign y = b && ~|a;
endmodule

// The lowest set bit of v, one-hot (W <= 36), and the bits above it (a set
// bit of v lies below): from six-bit slice ORs, three LUT levels at most.
(* keep_hierarchy *)
module agilis_first_one #(
    parameter integer W = 17
) (
    input  wire [W-1:0] v,
    output wire [W-1:0] y,
    output wire [W-1:0] below
);
    localparam integer G = (W + 5) / 6;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [G-1:0] grp;  // slice g has a set bit (the last one is not needed)
    /* verilator lint_on UNUSEDSIGNAL */
    agilis_or_slices #(.W(W)) u_slices (.a(v), .slice(grp));
    genvar i;
    generate
        for (i = 0; i < W; i = i + 1) begin : g_bit
            localparam integer GI = i / 6;
            wire in_group, in_groups;
            if (i % 6 == 0) begin : g_first
                assign in_group = 1'b0;
            end else begin : g_rest
                assign in_group = |v[i - 1:GI * 6];
            end
            if (GI == 0) begin : g_g0
                assign in_groups = 1'b0;
            end else begin : g_gn
                assign in_groups = |grp[GI - 1:0];
            end
            assign below[i] = in_group || in_groups;
            assign y[i] = v[i] && !below[i];
        end
    endgenerate
endmodule

// Round robin among W requesters: the first eligible one after the last pick
// (`after` marks those), else the first eligible; `pick_after` marks the
// requesters after the new pick (for the next round). One-hot throughout.
module agilis_rr_pick #(
    parameter integer W = 5
) (
    input  wire [W-1:0] elig,
    input  wire [W-1:0] after,
    output wire [W-1:0] pick,
    output wire [W-1:0] pick_after
);
    wire [W-1:0] elig_after = elig & after;
    wire [W-1:0] first_after, first, below_after, below;
    wire         any_after;
    agilis_first_one #(.W(W)) u_fa (.v(elig_after), .y(first_after), .below(below_after));
    agilis_first_one #(.W(W)) u_f (.v(elig), .y(first), .below(below));
    agilis_any #(.W(W)) u_any (.a(elig_after), .y(any_after));
    assign pick = any_after ? first_after : first;
    assign pick_after = any_after ? below_after : below;
endmodule

// y = pick_a ? a : pick_b ? b : c, one LUT5
(* keep_hierarchy *)
module agilis_pick3 (
    input  wire pick_a,
    input  wire pick_b,
    input  wire a,
    input  wire b,
    input  wire c,
    output wire y
);
    assign y = pick_a ? a : pick_b ? b : c;
endmodule

// Two functions of the same five inputs in one LUT site: o6 = F6[i], o5 =
// F5[i] (a Xilinx LUT6_2 with I5 tied high). Yosys 0.23 maps each function
// to a LUT of its own and never pairs them (Vivado's packer does), so the
// datapaths whose functions pair up systematically instantiate the site.
// Simulation reads the same tables.
module agilis_lut5x2 #(
    parameter [31:0] F6 = 32'd0,
    parameter [31:0] F5 = 32'd0
) (
    input  wire [4:0] i,
    output wire       o6,
    output wire       o5
);
`ifdef SYNTHESIS
    LUT6_2 #(.INIT({F6, F5})) u_lut (
        .I0(i[0]), .I1(i[1]), .I2(i[2]), .I3(i[3]), .I4(i[4]), .I5(1'b1), .O6(o6), .O5(o5)
    );
`else
    assign o6 = F6[i];
    assign o5 = F5[i];
`endif
endmodule

// One six-input function, o = F[i]: a LUT6 the mapper may not split.
module agilis_lut6 #(
    parameter [63:0] F = 64'd0
) (
    input  wire [5:0] i,
    output wire       o
);
`ifdef SYNTHESIS
    LUT6 #(.INIT(F)) u_lut (
        .I0(i[0]), .I1(i[1]), .I2(i[2]), .I3(i[3]), .I4(i[4]), .I5(i[5]), .O(o)
    );
`else
    assign o = F[i];
`endif
endmodule

// a != b, W <= 3: one LUT
(* keep_hierarchy *)
module agilis_ne3 #(
    parameter integer W = 3
) (
    input  wire [W-1:0] a,
    input  wire [W-1:0] b,
    output wire         y
);
    assign y = |(a ^ b);
endmodule

// a != b over W <= 216 bits, by OR-ing the XOR of every bit (no early exit):
// one LUT per three bit pairs, then OR trees; four LUT levels for 128 bits.
(* keep_hierarchy *)
module agilis_differ #(
    parameter integer W = 128
) (
    input  wire [W-1:0] a,
    input  wire [W-1:0] b,
    output wire         y
);
    localparam integer S = (W + 2) / 3;   // three-pair slices
    localparam integer T = (S + 5) / 6;   // their six-slice ORs
    wire [S-1:0] ne;
    genvar g;
    generate
        for (g = 0; g < S; g = g + 1) begin : g_slice
            localparam integer LO = 3 * g;
            localparam integer HI = (3 * g + 2 < W) ? 3 * g + 2 : W - 1;
            agilis_ne3 #(.W(HI - LO + 1)) u_ne (.a(a[HI:LO]), .b(b[HI:LO]), .y(ne[g]));
        end
    endgenerate
    wire [T-1:0] part;
    agilis_or_slices #(.W(S)) u_part (.a(ne), .slice(part));
    agilis_any #(.W(T)) u_all (.a(part), .y(y));
endmodule
