// aes_key256_step.v -- one step of the AES-256 key expansion (FIPS 197 5.2),
// one round key (four words) per step, combinational.
//
//   prev   = round key r - 1   (bus byte layout: byte j at [8j+7:8j])
//   last_w = last word (bytes 12..15) of round key r
//   nk     = round key r + 1
//
// Round key r+1 starts at word i = 4(r+1): when r+1 is even (i mod 8 = 0)
// temp = SubWord(RotWord(w[i-1])) ^ Rcon, when odd (i mod 8 = 4)
// temp = SubWord(w[i-1]).  SubWord commutes with RotWord, so the four
// S-boxes always see the same word and only a byte rotation is muxed.
// Part of aes256_gcm.
module aes_key256_step (
    input  wire [127:0] prev,
    input  wire [31:0]  last_w,
    input  wire         rot,    // r+1 even: RotWord + Rcon
    input  wire [7:0]   rcon,
    output wire [127:0] nk
);
    wire [31:0] sub;
    genvar j;
    generate
        for (j = 0; j < 4; j = j + 1) begin : g_sb
            aes_sbox u_sbox (.a(last_w[8*j+7:8*j]), .y(sub[8*j+7:8*j]));
        end
    endgenerate
    // RotWord (b0,b1,b2,b3) -> (b1,b2,b3,b0); b0 is the low byte here.
    wire [31:0] temp = rot ? ({sub[7:0], sub[31:8]} ^ {24'd0, rcon}) : sub;
    wire [31:0] n0 = prev[31:0] ^ temp;
    wire [31:0] n1 = prev[63:32] ^ n0;
    wire [31:0] n2 = prev[95:64] ^ n1;
    wire [31:0] n3 = prev[127:96] ^ n2;
    assign nk = {n3, n2, n1, n0};
endmodule
