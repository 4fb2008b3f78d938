// Ascon permutation, ROUNDS_PER_CYCLE rounds unrolled (NIST SP 800-232, §3).
// Purely combinational: the caller registers the state. `round` is the index
// of the first round in the 12-round schedule (p12 starts at 0, p8 at 4), so
// the constants of rounds round .. round+ROUNDS_PER_CYCLE-1 are applied.
// State word xi sits at state[64*i+63 : 64*i].
module ascon_perm #(
    parameter integer ROUNDS_PER_CYCLE = 1
) (
    input  wire [319:0] state_in,
    input  wire [3:0]   round,
    output wire [319:0] state_out
);
    function [63:0] ror;
        input [63:0] x;
        input integer n;
        begin
            ror = (x >> n) | (x << (64 - n));
        end
    endfunction

    function [319:0] ascon_round;
        input [319:0] s;
        input [3:0] r;
        reg [63:0] x0, x1, x2, x3, x4, t0, t1, t2, t3, t4;
        begin
            x0 = s[63:0];
            x1 = s[127:64];
            x2 = s[191:128];
            x3 = s[255:192];
            x4 = s[319:256];
            // constant addition: c_r = (15 - r) << 4 | r
            x2 = x2 ^ {56'd0, ~r, r};
            // substitution layer, bitsliced 5-bit S-box
            x0 = x0 ^ x4;
            x4 = x4 ^ x3;
            x2 = x2 ^ x1;
            t0 = ~x0 & x1;
            t1 = ~x1 & x2;
            t2 = ~x2 & x3;
            t3 = ~x3 & x4;
            t4 = ~x4 & x0;
            x0 = x0 ^ t1;
            x1 = x1 ^ t2;
            x2 = x2 ^ t3;
            x3 = x3 ^ t4;
            x4 = x4 ^ t0;
            x1 = x1 ^ x0;
            x0 = x0 ^ x4;
            x3 = x3 ^ x2;
            x2 = ~x2;
            // linear diffusion layer
            x0 = x0 ^ ror(x0, 19) ^ ror(x0, 28);
            x1 = x1 ^ ror(x1, 61) ^ ror(x1, 39);
            x2 = x2 ^ ror(x2, 1) ^ ror(x2, 6);
            x3 = x3 ^ ror(x3, 10) ^ ror(x3, 17);
            x4 = x4 ^ ror(x4, 7) ^ ror(x4, 41);
            ascon_round = {x4, x3, x2, x1, x0};
        end
    endfunction

    function [319:0] rounds;
        input [319:0] s;
        input [3:0] r;
        integer k;
        begin
            rounds = s;
            for (k = 0; k < ROUNDS_PER_CYCLE; k = k + 1)
                rounds = ascon_round(rounds, r + k[3:0]);
        end
    endfunction

    assign state_out = rounds(state_in, round);
endmodule
