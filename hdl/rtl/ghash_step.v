// ghash_step.v -- one digit step of a digit-serial GF(2^128) multiplier,
// Horner form, most significant digit first (combinational):
//
//   y = z * a^D  +  d * h      mod  P = a^128 + a^7 + a^2 + a + 1
//
// where d = sum_{j<D} d[j] a^j is the current D-bit digit of the
// multiplicand.  Field elements are polynomials p[127:0] with p[i] the
// coefficient of a^i, i.e. GCM bit i (bit 7-(i mod 8) of byte i/8,
// SP 800-38D 6.3).  With z = 0 and digits taken from the top of x downward,
// ceil(128/D) steps give x*h.
//
// Structure, written for LUT6: the unreduced sum t = z*a^D + d*h (degree
// < 128+D) has, per bit, at most D AND-pairs d[j]&h[k-j] plus one z bit.
// Pairs are grouped three to a LUT6 ("leaf", kept as a net so the mapper
// cannot smear it), and the root LUT6 XORs the leaves, the 0..2 pairs left
// over and the z bit: for D = 10 that is 3 leaves + 1 pair + z = 6 inputs,
// so 4 LUT6 per bit (2D + 1 = 21 inputs is exactly what a depth-2 tree of
// four LUT6s can take; D = 10 is the sweet spot).  The D bits of t above
// degree 127 are then folded back with a^128 = a^7 + a^2 + a + 1 (D <= 120,
// so one fold suffices).  Part of aes256_gcm.
module ghash_step #(
    parameter integer D = 10
) (
    input  wire [127:0] z,
    input  wire [127:0] h,
    input  wire [D-1:0] d,
    output reg  [127:0] y
);
    localparam integer NT = 128 + D;      // bits of the unreduced sum
    localparam integer NG = D / 3 + 1;    // leaf slots per bit

    (* keep *) wire [NT*NG-1:0] leaf;
    wire [NT-1:0] t;

    genvar k, g;
    generate
        for (k = 0; k < NT; k = k + 1) begin : g_t
            localparam integer JLO = (k > 127) ? k - 127 : 0;
            localparam integer JHI = (k < D - 1) ? k : D - 1;
            localparam integer NL = (JHI - JLO + 1) / 3;   // full leaves (0 if no pairs)
            for (g = 0; g < NG; g = g + 1) begin : g_leaf
                if (g < NL) begin : g_on
                    assign leaf[k*NG+g] = (d[JLO+3*g]   & h[k-JLO-3*g])
                                        ^ (d[JLO+3*g+1] & h[k-JLO-3*g-1])
                                        ^ (d[JLO+3*g+2] & h[k-JLO-3*g-2]);
                end else begin : g_off
                    assign leaf[k*NG+g] = 1'b0;
                end
            end
            reg r;
            integer j;
            always @* begin
                r = ^leaf[k*NG +: NG];
                for (j = JLO + 3 * NL; j <= JHI; j = j + 1) r = r ^ (d[j] & h[k-j]);
            end
            if (k >= D) begin : g_z
                assign t[k] = r ^ z[k-D];
            end else begin : g_noz
                assign t[k] = r;
            end
        end
    endgenerate

    integer m;
    always @* begin
        y = t[127:0];
        for (m = 0; m < D; m = m + 1) begin
            y[m]   = y[m]   ^ t[128+m];
            y[m+1] = y[m+1] ^ t[128+m];
            y[m+2] = y[m+2] ^ t[128+m];
            y[m+7] = y[m+7] ^ t[128+m];
        end
    end
endmodule
