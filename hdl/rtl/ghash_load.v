// ghash_load.v -- the per-bit logic around the GHASH registers
// (combinational), kept as its own module so that the synthesizer maps the
// 128/130 per-bit functions on their own and does not copy the stream
// handshake logic that drives lsel/load/last into every bit.
//
//   x_next  = lsel ? lblk : (data ^ (ks & encm)) & keep     -> X register
//             (a beat of AD or ciphertext, or the length block), converted
//             to GCM bit order: GCM bit i = bit 7-(i mod 8) of byte i/8
//   gs_in   = gs ^ (load ? xr : 0)      (Y ^ X, merged into step 0)
//   digit   = top D bits of gs_in       (the digit multiplied this clock)
//   gs_next = last ? y : gs_in << D
//
// gs holds Y (the running GHASH) between blocks and the digits still to
// come during a multiplication; at the last step the product y comes back.
// Part of aes256_gcm.
(* keep_hierarchy *)
module ghash_load #(
    parameter integer D = 10,
    parameter integer W = 130
) (
    input  wire [127:0] data,   // input beat (bus byte order)
    input  wire [15:0]  keep,
    input  wire [127:0] ks,     // keystream (bus byte order)
    input  wire         encm,   // XOR the keystream in (encrypting a message beat)
    input  wire [127:0] lblk,   // length block (bus byte order)
    input  wire         lsel,
    output wire [127:0] x_next,
    input  wire [W-1:0] gs,
    input  wire [127:0] xr,     // X register (GCM bit order)
    input  wire         load,
    input  wire [127:0] y,      // product from ghash_step
    input  wire         last,
    output wire [D-1:0] digit,
    output wire [W-1:0] gs_next
);
    genvar gi;
    generate
        for (gi = 0; gi < 128; gi = gi + 1) begin : g_x
            localparam integer B = 8 * (gi / 8) + 7 - (gi % 8);
            assign x_next[gi] = lsel ? lblk[B] : ((data[B] ^ (ks[B] & encm)) & keep[gi/8]);
        end
    endgenerate

    reg [W-1:0] gs_in;
    reg [W-1:0] y_w;
    always @* begin
        gs_in = gs;
        gs_in[127:0] = gs[127:0] ^ (xr & {128{load}});
        y_w = {W{1'b0}};
        y_w[127:0] = y;
    end
    assign digit = gs_in[W-1:W-D];
    assign gs_next = last ? y_w : (gs_in << D);
endmodule
