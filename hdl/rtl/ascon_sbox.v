// One column of the Ascon S-box (a[0] = x0 .. a[4] = x4), bitsliced as in
// SP 800-232. Its own hierarchy through LUT mapping, so that each output
// bit is exactly one 5-input LUT: the flattened mapper otherwise spreads the
// S-box and the linear layer over three levels instead of two.
(* keep_hierarchy *)
module ascon_sbox (
    input  wire [4:0] a,
    output wire [4:0] y
);
    wire x0 = a[0] ^ a[4];
    wire x4 = a[4] ^ a[3];
    wire x2 = a[2] ^ a[1];
    wire x1 = a[1];
    wire x3 = a[3];
    wire t0 = ~x0 & x1;
    wire t1 = ~x1 & x2;
    wire t2 = ~x2 & x3;
    wire t3 = ~x3 & x4;
    wire t4 = ~x4 & x0;
    wire y0 = x0 ^ t1;
    wire y1 = x1 ^ t2;
    wire y2 = x2 ^ t3;
    wire y3 = x3 ^ t4;
    wire y4 = x4 ^ t0;
    assign y = {y4, y3 ^ y2, ~y2, y1 ^ y0, y0 ^ y4};
endmodule
