// Ascon permutation, ROUNDS_PER_CYCLE rounds unrolled (NIST SP 800-232, §3).
// Purely combinational: the caller registers the state. `round` is the index
// of the first round in the 12-round schedule (p12 starts at 0, p8 at 4).
// The caller has already added the FIRST round's constant to state_in (the
// core keeps it in a register, so it folds into the input layer's LUTs);
// this module adds the constants of rounds round+1 .. round+ROUNDS_PER_CYCLE-1.
// State word xi sits at state[64*i+63 : 64*i].
module ascon_perm #(
    parameter integer ROUNDS_PER_CYCLE = 1
) (
    input  wire [319:0] state_in,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [3:0]   round,       // unused when ROUNDS_PER_CYCLE = 1
    /* verilator lint_on UNUSEDSIGNAL */
    output wire [319:0] state_out
);
    function [63:0] ror;
        input [63:0] x;
        input integer n;
        begin
            ror = (x >> n) | (x << (64 - n));
        end
    endfunction

    // linear diffusion layer
    function [319:0] linear;
        input [319:0] s;
        reg [63:0] x0, x1, x2, x3, x4;
        begin
            x0 = s[63:0];
            x1 = s[127:64];
            x2 = s[191:128];
            x3 = s[255:192];
            x4 = s[319:256];
            x0 = x0 ^ ror(x0, 19) ^ ror(x0, 28);
            x1 = x1 ^ ror(x1, 61) ^ ror(x1, 39);
            x2 = x2 ^ ror(x2, 1) ^ ror(x2, 6);
            x3 = x3 ^ ror(x3, 10) ^ ror(x3, 17);
            x4 = x4 ^ ror(x4, 7) ^ ror(x4, 41);
            linear = {x4, x3, x2, x1, x0};
        end
    endfunction

    // rnd_in[320k +: 320] is the input of round k of this clock, after its
    // constant; sub_out[320k +: 320] the output of its S-box layer
    // (one vector across rounds: Verilator would see a false loop in it)
    /* verilator lint_off UNOPTFLAT */
    wire [320*(ROUNDS_PER_CYCLE+1)-1:0] rnd_in;
    wire [320*ROUNDS_PER_CYCLE-1:0]     sub_out;
    /* verilator lint_on UNOPTFLAT */
    assign rnd_in[319:0] = state_in;
    genvar k, i;
    generate
        for (k = 0; k < ROUNDS_PER_CYCLE; k = k + 1) begin : g_round
            // substitution layer: 64 five-bit S-boxes, one per bit column
            for (i = 0; i < 64; i = i + 1) begin : g_col
                ascon_sbox u_sbox (
                    .a({rnd_in[320*k + 256 + i], rnd_in[320*k + 192 + i], rnd_in[320*k + 128 + i], rnd_in[320*k + 64 + i], rnd_in[320*k + i]}),
                    .y({sub_out[320*k + 256 + i], sub_out[320*k + 192 + i], sub_out[320*k + 128 + i], sub_out[320*k + 64 + i], sub_out[320*k + i]})
                );
            end
            if (k + 1 < ROUNDS_PER_CYCLE) begin : g_next
                // the next round's constant c_r = (15 - r) << 4 | r, r = round + k + 1
                wire [3:0] r = round + k[3:0] + 4'd1;
                assign rnd_in[320*(k+1) +: 320] = linear(sub_out[320*k +: 320]) ^ {184'd0, ~r, r, 128'd0};
            end else begin : g_last
                assign rnd_in[320*(k+1) +: 320] = linear(sub_out[320*k +: 320]);
            end
        end
    endgenerate
    assign state_out = rnd_in[320*ROUNDS_PER_CYCLE +: 320];
endmodule
