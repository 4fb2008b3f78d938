// Synchronous FIFO for the lanes' DMA streams. Asynchronous read of a small
// memory, so that Yosys maps it to distributed RAM (RAM32M/RAM64M) on 7-series.
// `clear` empties it (synchronous). Push when full and pop when empty are
// ignored; the lanes never do either (credits).
// Widths follow Verilog's rules on purpose (zero-extension against the register
// map's sized constants and the 32-bit parameters); unused bits are unused.
/* verilator lint_off WIDTH */
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module agilis_fifo #(
    parameter integer W = 128,
    parameter integer DEPTH_LOG2 = 5
) (
    input  wire                  clk,
    input  wire                  clear,
    input  wire                  push,
    input  wire [W-1:0]          din,
    input  wire                  pop,
    output wire [W-1:0]          dout,
    output wire                  empty,
    output wire                  full,
    output wire [DEPTH_LOG2:0]   count
);
    reg [W-1:0] mem [0:(1<<DEPTH_LOG2)-1];
    reg [DEPTH_LOG2:0] wp, rp;

    // `empty` is a flip-flop, kept equal to (wp == rp): the lanes' feed
    // decision starts from it, and a pointer compare there was the lane's
    // longest path.
    reg empty_q;
    assign count = wp - rp;
    assign empty = empty_q;
    assign full  = (count == (1 << DEPTH_LOG2));
    assign dout  = mem[rp[DEPTH_LOG2-1:0]];

    wire do_push = push && !full;
    wire do_pop  = pop && !empty;

    always @(posedge clk) begin
        if (do_push) mem[wp[DEPTH_LOG2-1:0]] <= din;
    end

    always @(posedge clk) begin
        if (clear) begin
            wp <= 0;
            rp <= 0;
            empty_q <= 1'b1;
        end else begin
            if (do_push) wp <= wp + 1'b1;
            if (do_pop)  rp <= rp + 1'b1;
            // a push alone fills it; a pop alone empties it from one entry; both keep it as it is
            if (do_push && !do_pop) empty_q <= 1'b0;
            else if (do_pop && !do_push) empty_q <= (count == 1);
        end
    end
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on WIDTH */
