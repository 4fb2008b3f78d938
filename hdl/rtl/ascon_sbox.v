// One column of the Ascon S-box (a[0] = x0 .. a[4] = x4), bitsliced as in
// SP 800-232: y0/y1 and y2/y3 share a LUT site each (agilis_lut5x2), y4
// needs four of the inputs and takes a LUT of its own. Three LUTs instead of
// five; the tables come from the same equations the simulation checks.
module ascon_sbox (
    input  wire [4:0] a,
    output wire [4:0] y
);
    function [4:0] column;
        input [4:0] v;
        reg x0, x1, x2, x3, x4, y0, y1, y2, y3, y4;
        begin
            x0 = v[0] ^ v[4];
            x4 = v[4] ^ v[3];
            x2 = v[2] ^ v[1];
            x1 = v[1];
            x3 = v[3];
            y0 = x0 ^ (~x1 & x2);
            y1 = x1 ^ (~x2 & x3);
            y2 = x2 ^ (~x3 & x4);
            y3 = x3 ^ (~x4 & x0);
            y4 = x4 ^ (~x0 & x1);
            column = {y4, y3 ^ y2, ~y2, y1 ^ y0, y0 ^ y4};
        end
    endfunction
    // the truth table of output k over the 32 column values
    function [31:0] table_of;
        /* verilator lint_off UNUSEDSIGNAL */
        input integer k;
        /* verilator lint_on UNUSEDSIGNAL */
        integer v;
        reg [4:0] out;
        begin
            table_of = 32'd0;
            for (v = 0; v < 32; v = v + 1) begin
                out = column(v[4:0]);
                table_of[v] = out[k];
            end
        end
    endfunction
    agilis_lut5x2 #(.F6(table_of(0)), .F5(table_of(1))) u_y01 (.i(a), .o6(y[0]), .o5(y[1]));
    agilis_lut5x2 #(.F6(table_of(2)), .F5(table_of(3))) u_y23 (.i(a), .o6(y[2]), .o5(y[3]));
    /* verilator lint_off UNUSEDSIGNAL */
    wire [4:0] direct = column(a);
    /* verilator lint_on UNUSEDSIGNAL */
    assign y[4] = direct[4];
endmodule
