// Ascon permutation rounds of one clock (NIST SP 800-232, §3), purely
// combinational; the core registers the state. It computes ROUNDS_PER_CYCLE
// rounds but stops after the last one's substitution layer: the core merges
// that round's linear layer with what it adds to the state (ascon_aead128),
// so that every round costs two LUT levels and no separate input layer.
//
// The first round's constant is already in state_in (the core folds it in
// when it writes the state); inner_rc[8(k-1) +: 8] is the constant of round
// k = 1 .. ROUNDS_PER_CYCLE-1 of this clock.
//
// The linear layer of the inner rounds pairs its outputs two per LUT site:
// output bits i and i+d of a word, d the difference of its two rotations,
// read five distinct bits between them (agilis_lut5x2).
// State word xi sits at state[64*i+63 : 64*i].
module ascon_perm #(
    parameter integer ROUNDS_PER_CYCLE = 1
) (
    input  wire [319:0]                   state_in,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [8*ROUNDS_PER_CYCLE-1:0]  inner_rc,  // the top byte is unused
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [319:0]                   sub_last
);
    localparam integer R = ROUNDS_PER_CYCLE;
`include "ascon_linear.vh"
    // truth table of u[p] ^ u[q] ^ u[r] over five inputs
    function [31:0] xor3_table;
        /* verilator lint_off UNUSEDSIGNAL */
        input integer p, q, r;
        /* verilator lint_on UNUSEDSIGNAL */
        integer v;
        begin
            xor3_table = 32'd0;
            for (v = 0; v < 32; v = v + 1)
                xor3_table[v] = v[p] ^ v[q] ^ v[r];
        end
    endfunction
    localparam [31:0] LIN_I = xor3_table(0, 1, 2);  // bit i: x[i], x[i+a], x[i+b]
    localparam [31:0] LIN_J = xor3_table(2, 3, 4);  // bit i+d: x[i+b], x[i+d], x[i+d+b]

    // rnd_in[320k +: 320]: the input of round k of this clock, its constant
    // added; sub[320k +: 320]: the output of its substitution layer
    // (one vector across rounds: Verilator would see a false loop in it)
    /* verilator lint_off UNOPTFLAT */
    wire [320*R-1:0] rnd_in;
    wire [320*R-1:0] sub;
    /* verilator lint_on UNOPTFLAT */
    assign rnd_in[319:0] = state_in;
    genvar k, i, w, m;
    generate
        for (k = 0; k < R; k = k + 1) begin : g_round
            // substitution layer: 64 five-bit S-boxes, one per bit column
            for (i = 0; i < 64; i = i + 1) begin : g_col
                ascon_sbox u_sbox (
                    .a({rnd_in[320*k + 256 + i], rnd_in[320*k + 192 + i], rnd_in[320*k + 128 + i], rnd_in[320*k + 64 + i], rnd_in[320*k + i]}),
                    .y({sub[320*k + 256 + i], sub[320*k + 192 + i], sub[320*k + 128 + i], sub[320*k + 64 + i], sub[320*k + i]})
                );
            end
            if (k + 1 < R) begin : g_linear
                wire [7:0] rc = inner_rc[8*k +: 8];  // round k+1's constant, into x2[7:0]
                for (w = 0; w < 5; w = w + 1) begin : g_word
                    localparam integer A = rot_a(w);
                    localparam integer B = rot_b(w);
                    localparam integer D = B - A;
                    // the pairs (i, i+d) walk the cycles of i -> i+d mod 64:
                    // gcd(64, d) of them, each of even length
                    localparam integer G = (D % 2 == 1) ? 1 : (D % 4 == 2) ? 2 : 4;
                    localparam integer HALF = 32 / G;  // pairs per cycle
                    for (m = 0; m < 32; m = m + 1) begin : g_pair
                        localparam integer I = (m / HALF + 2 * (m % HALF) * D) % 64;
                        localparam integer J = (I + D) % 64;
                        wire [63:0] s = sub[320*k + 64*w +: 64];
                        wire [4:0] u = {s[(J + B) % 64], s[J], s[(I + B) % 64], s[(I + A) % 64], s[I]};
                        if (w == 2 && (I < 8 || J < 8)) begin : g_const
                            // x2[7:0] also take the next round's constant
                            assign rnd_in[320*(k+1) + 128 + I] = u[0] ^ u[1] ^ u[2] ^ ((I < 8) ? rc[I % 8] : 1'b0);
                            assign rnd_in[320*(k+1) + 128 + J] = u[2] ^ u[3] ^ u[4] ^ ((J < 8) ? rc[J % 8] : 1'b0);
                        end else begin : g_site
                            agilis_lut5x2 #(.F6(LIN_I), .F5(LIN_J)) u_lin (
                                .i(u), .o6(rnd_in[320*(k+1) + 64*w + I]), .o5(rnd_in[320*(k+1) + 64*w + J])
                            );
                        end
                    end
                end
            end
        end
    endgenerate
    assign sub_last = sub[320*(R-1) +: 320];
endmodule
