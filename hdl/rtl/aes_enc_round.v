// aes_enc_round.v -- one AES encryption round, combinational (FIPS 197 5.1):
//   y = MixColumns(ShiftRows(SubBytes(x))) ^ rk     (rounds 1..Nr-1)
//   y =            ShiftRows(SubBytes(x))  ^ rk     (last = 1: round Nr)
//
// Byte layout is the agilis bus layout: state byte j (FIPS "in[j]", row j%4,
// column j/4) sits at [8j+7:8j].  Only the forward cipher exists: GCM never
// needs the inverse cipher, not even to decrypt.  Part of aes256_gcm.
module aes_enc_round (
    input  wire [127:0] x,
    input  wire [127:0] rk,
    input  wire         last,
    output wire [127:0] y
);
    wire [127:0] sb;
    genvar j;
    generate
        for (j = 0; j < 16; j = j + 1) begin : g_sb
            aes_sbox u_sbox (.a(x[8*j+7:8*j]), .y(sb[8*j+7:8*j]));
        end
    endgenerate

    // ShiftRows: row r of column c takes row r of column (c + r) mod 4.
    wire [127:0] sr;
    generate
        for (j = 0; j < 16; j = j + 1) begin : g_sr
            localparam integer R = j % 4;
            localparam integer C = j / 4;
            localparam integer SRC = R + 4 * ((C + R) % 4);
            assign sr[8*j+7:8*j] = sb[8*SRC+7:8*SRC];
        end
    endgenerate

    // MixColumns, output row r of a column (a0..a3 = its ShiftRows bytes):
    //   b_r = {02}a_r ^ {03}a_(r+1) ^ a_(r+2) ^ a_(r+3)
    //       = xt(a_r) ^ xt(a_(r+1)) ^ a_(r+1) ^ a_(r+2) ^ a_(r+3),
    // xt(v)[k] = v[k-1] (v[7] for k = 0), ^ v[7] for k = 1, 3, 4 (0x1b).
    // Per output bit that is 5 terms (7 for k = 1, 3, 4), written as a
    // six-term XOR `p` plus the seventh term, so that p fits one LUT6 and
    // p, the seventh term, `last`, the ShiftRows bit and the round key bit
    // a second one: two LUT levels after the S-box.
    wire [127:0] p;
    wire [127:0] extra;
    genvar c, r, k;
    generate
        for (c = 0; c < 4; c = c + 1) begin : g_col
            for (r = 0; r < 4; r = r + 1) begin : g_row
                localparam integer U = 32 * c + 8 * r;              // a_r
                localparam integer V = 32 * c + 8 * ((r + 1) % 4);  // a_(r+1)
                localparam integer X2 = 32 * c + 8 * ((r + 2) % 4);
                localparam integer X3 = 32 * c + 8 * ((r + 3) % 4);
                for (k = 0; k < 8; k = k + 1) begin : g_bit
                    localparam integer KM = (k + 7) % 8;   // k-1, or 7 for k = 0
                    if (k == 1 || k == 3 || k == 4) begin : g_red
                        assign p[U+k] = sr[U+KM] ^ sr[V+KM] ^ sr[U+7] ^ sr[V+k] ^ sr[X2+k] ^ sr[X3+k];
                        assign extra[U+k] = sr[V+7];
                    end else begin : g_plain
                        assign p[U+k] = sr[U+KM] ^ sr[V+KM] ^ sr[V+k] ^ sr[X2+k] ^ sr[X3+k];
                        assign extra[U+k] = 1'b0;
                    end
                end
            end
        end
    endgenerate

    assign y = (last ? sr : (p ^ extra)) ^ rk;
endmodule
