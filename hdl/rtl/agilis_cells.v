// Small cells of the lane array's control, each mapped on its own
// (keep_hierarchy), so that Yosys's area recovery over the whole design
// cannot stretch them into serial chains of LUTs (see ascon_cells.v).
/* verilator lint_off DECLFILENAME */

// |a, W <= 36: a two-level tree of LUT6s
(* keep_hierarchy *)
module agilis_any #(
    parameter integer W = 17
) (
    input  wire [W-1:0] a,
    output wire         y
);
    localparam integer G = (W + 5) / 6;
    wire [G-1:0] part;
    genvar g;
    generate
        for (g = 0; g < G; g = g + 1) begin : g_part
            localparam integer LO = 6 * g;
            localparam integer HI = (6 * g + 5 < W) ? 6 * g + 5 : W - 1;
            agilis_or6 #(.W(HI - LO + 1)) u_part (.a(a[HI:LO]), .y(part[g]));
        end
    endgenerate
    agilis_or6 #(.W(G)) u_all (.a(part), .y(y));
endmodule

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

// The lowest set bit of v, one-hot (W <= 36), and the bits above it (a set
// bit of v lies below): from six-bit group ORs, three LUT levels at most.
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
    wire [G-1:0] grp;  // group g has a set bit (the last one is not needed)
    /* verilator lint_on UNUSEDSIGNAL */
    genvar g, i;
    generate
        for (g = 0; g < G; g = g + 1) begin : g_grp
            localparam integer LO = 6 * g;
            localparam integer HI = (6 * g + 5 < W) ? 6 * g + 5 : W - 1;
            agilis_or6 #(.W(HI - LO + 1)) u_grp (.a(v[HI:LO]), .y(grp[g]));
        end
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
