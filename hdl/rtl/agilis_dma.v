// The card's one AXI4 master towards host memory (128-bit data, 64-bit
// address, INCR bursts of up to 16 beats), shared by the lanes and the ring
// engine ("requesters", index = AXI ID).
//
// - Read: round-robin over requesters with `ar_req` (held until acknowledged);
//   the pick is registered, the next cycle latches the request into the AR
//   channel, and the requester sees `ar_ack` (a register) the cycle after.
//   R beats are routed by RID (`r_valid[id]`); RREADY is always 1: a
//   requester only asks for beats it has room for (credits), so reads of
//   different IDs may even be interleaved by the host side.
// - Write: one burst at a time. A requester asks with `aw_req` only when all
//   beats of the burst are ready in its FIFO; the granted requester's head
//   beat drives W, and `w_pop` takes it. AW and W are offered together;
//   `aw_ack` comes as for reads, so W may pop (and end) in the cycle of
//   `aw_ack`.
//   B responses are routed by BID; BREADY is always 1.
// No burst crosses a 4 KiB boundary: the requesters size them so.
// Widths follow Verilog's rules on purpose (zero-extension against the register
// map's sized constants and the 32-bit parameters); unused bits are unused.
/* verilator lint_off WIDTH */
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module agilis_dma #(
    parameter integer NR = 5,        // requesters
    parameter integer ID_W = 4
) (
    input  wire                 clk,
    input  wire                 rst,
    // requesters
    input  wire [NR-1:0]        ar_req,
    input  wire [NR*64-1:0]     ar_addr,
    input  wire [NR*8-1:0]      ar_len,      // beats - 1
    output wire [NR-1:0]        ar_ack,
    output wire [NR-1:0]        r_valid,
    output wire [127:0]         r_data,
    output wire [1:0]           r_resp,
    input  wire [NR-1:0]        aw_req,
    input  wire [NR*64-1:0]     aw_addr,
    input  wire [NR*8-1:0]      aw_len,      // beats - 1
    output wire [NR-1:0]        aw_ack,
    input  wire [NR*128-1:0]    w_data,
    input  wire [NR*16-1:0]     w_strb,
    output wire [NR-1:0]        w_pop,
    output wire [NR-1:0]        w_end,       // w_pop of the burst's last beat
    output wire [NR-1:0]        b_valid,
    output wire [1:0]           b_resp,
    output wire                 idle,        // no request latched, no burst on W
    // AXI4 master
    output reg  [ID_W-1:0]      m_axi_arid,
    output reg  [63:0]          m_axi_araddr,
    output reg  [7:0]           m_axi_arlen,
    output wire [2:0]           m_axi_arsize,
    output wire [1:0]           m_axi_arburst,
    output wire [3:0]           m_axi_arcache,
    output wire [2:0]           m_axi_arprot,
    output reg                  m_axi_arvalid,
    input  wire                 m_axi_arready,
    input  wire [ID_W-1:0]      m_axi_rid,
    input  wire [127:0]         m_axi_rdata,
    input  wire [1:0]           m_axi_rresp,
    input  wire                 m_axi_rlast,
    input  wire                 m_axi_rvalid,
    output wire                 m_axi_rready,
    output reg  [ID_W-1:0]      m_axi_awid,
    output reg  [63:0]          m_axi_awaddr,
    output reg  [7:0]           m_axi_awlen,
    output wire [2:0]           m_axi_awsize,
    output wire [1:0]           m_axi_awburst,
    output wire [3:0]           m_axi_awcache,
    output wire [2:0]           m_axi_awprot,
    output reg                  m_axi_awvalid,
    input  wire                 m_axi_awready,
    output wire [127:0]         m_axi_wdata,
    output wire [15:0]          m_axi_wstrb,
    output wire                 m_axi_wlast,
    output wire                 m_axi_wvalid,
    input  wire                 m_axi_wready,
    input  wire [ID_W-1:0]      m_axi_bid,
    input  wire [1:0]           m_axi_bresp,
    input  wire                 m_axi_bvalid,
    output wire                 m_axi_bready
);
    localparam integer IW = (NR > 1) ? $clog2(NR) : 1;

    assign m_axi_arsize  = 3'd4;      // 16 bytes per beat
    assign m_axi_arburst = 2'b01;     // INCR
    assign m_axi_arcache = 4'b0011;   // normal, bufferable
    assign m_axi_arprot  = 3'b000;
    assign m_axi_awsize  = 3'd4;
    assign m_axi_awburst = 2'b01;
    assign m_axi_awcache = 4'b0011;
    assign m_axi_awprot  = 3'b000;
    assign m_axi_rready  = 1'b1;
    assign m_axi_bready  = 1'b1;

    // ---- round-robin pick, registered -------------------------------------
    // A pick is registered as a one-hot grant (ar_gnt / aw_gnt); the cycle
    // after, if the granted requester still asks, its request is loaded into
    // the channel registers, and the cycle after that it sees ar_ack / aw_ack
    // (registered). A requester is not picked again while it holds a grant or
    // sees its acknowledgement; a grant whose request went away is dropped.
    // Round robin (agilis_rr_pick): `*_after` marks the requesters after the
    // last one picked; the pick is the first eligible among them, else the
    // first eligible, a few LUT levels deep whatever NR is.
    reg [NR-1:0] ar_after, aw_after;
    reg [NR-1:0] ar_gnt, aw_gnt, ar_ack_q, aw_ack_q;
    reg          ar_gv, aw_gv;
    wire [NR-1:0] ar_elig = ar_req & ~ar_gnt & ~ar_ack_q;
    wire [NR-1:0] aw_elig = aw_req & ~aw_gnt & ~aw_ack_q;
    wire [NR-1:0] ar_pick, ar_pick_after, aw_pick, aw_pick_after;
    agilis_rr_pick #(.W(NR)) u_ar_pick (.elig(ar_elig), .after(ar_after), .pick(ar_pick), .pick_after(ar_pick_after));
    agilis_rr_pick #(.W(NR)) u_aw_pick (.elig(aw_elig), .after(aw_after), .pick(aw_pick), .pick_after(aw_pick_after));
    wire          ar_found = (ar_elig != 0);
    wire          aw_found = (aw_elig != 0);

    // one-hot selects of the granted requester's fields (AND-OR)
    reg [63:0]   ar_addr_g, aw_addr_g;
    reg [7:0]    ar_len_g, aw_len_g;
    reg [IW-1:0] ar_id_g, aw_id_g;
    integer m;
    always @* begin
        ar_addr_g = 64'd0; ar_len_g = 8'd0; ar_id_g = {IW{1'b0}};
        aw_addr_g = 64'd0; aw_len_g = 8'd0; aw_id_g = {IW{1'b0}};
        for (m = 0; m < NR; m = m + 1) begin
            if (ar_gnt[m]) begin ar_addr_g = ar_addr_g | ar_addr[m*64 +: 64]; ar_len_g = ar_len_g | ar_len[m*8 +: 8]; ar_id_g = ar_id_g | m; end
            if (aw_gnt[m]) begin aw_addr_g = aw_addr_g | aw_addr[m*64 +: 64]; aw_len_g = aw_len_g | aw_len[m*8 +: 8]; aw_id_g = aw_id_g | m; end
        end
    end

    // ---- read address ----------------------------------------------------
    wire ar_still = |(ar_gnt & ar_req);
    wire ar_load  = ar_gv && ar_still && (!m_axi_arvalid || m_axi_arready);
    assign ar_ack = ar_ack_q;

    always @(posedge clk) begin
        if (rst) begin
            m_axi_arvalid <= 1'b0;
            ar_after <= {NR{1'b0}};
            ar_gnt <= {NR{1'b0}}; ar_gv <= 1'b0; ar_ack_q <= {NR{1'b0}};
            m_axi_arid <= {ID_W{1'b0}};
            m_axi_araddr <= 64'd0;
            m_axi_arlen <= 8'd0;
        end else begin
            ar_ack_q <= ar_load ? ar_gnt : {NR{1'b0}};
            if (m_axi_arvalid && m_axi_arready) m_axi_arvalid <= 1'b0;
            if (ar_load) begin
                m_axi_arvalid <= 1'b1;
                m_axi_arid    <= ar_id_g;
                m_axi_araddr  <= ar_addr_g;
                m_axi_arlen   <= ar_len_g;
            end
            if (ar_gv) begin
                if (ar_load || !ar_still) begin ar_gv <= 1'b0; ar_gnt <= {NR{1'b0}}; end
            end else if (ar_found) begin
                ar_gv  <= 1'b1;
                ar_gnt <= ar_pick;
                ar_after <= ar_pick_after;
            end
        end
    end

    // ---- read data -------------------------------------------------------
    genvar g;
    generate for (g = 0; g < NR; g = g + 1) begin : g_route
        assign r_valid[g] = m_axi_rvalid && (m_axi_rid == g);
        assign b_valid[g] = m_axi_bvalid && (m_axi_bid == g);
    end endgenerate
    assign r_data = m_axi_rdata;
    assign r_resp = m_axi_rresp;
    assign b_resp = m_axi_bresp;

    // ---- write address and data -----------------------------------------
    reg          w_active;
    reg [NR-1:0] w_own;          // one-hot owner of the W burst
    reg [7:0]    w_cnt, w_len;
    wire aw_still = |(aw_gnt & aw_req);
    wire aw_load  = aw_gv && aw_still && !w_active && (!m_axi_awvalid || m_axi_awready);
    assign aw_ack = aw_ack_q;

    reg [127:0] wdata_o;
    reg [15:0]  wstrb_o;
    always @* begin
        wdata_o = 128'd0; wstrb_o = 16'd0;
        for (m = 0; m < NR; m = m + 1)
            if (w_own[m]) begin wdata_o = wdata_o | w_data[m*128 +: 128]; wstrb_o = wstrb_o | w_strb[m*16 +: 16]; end
    end
    assign m_axi_wvalid = w_active;
    assign m_axi_wdata  = wdata_o;
    assign m_axi_wstrb  = wstrb_o;
    assign m_axi_wlast  = (w_cnt == w_len);
    wire w_beat = w_active && m_axi_wready;
    assign w_pop = w_beat ? w_own : {NR{1'b0}};
    assign w_end = (w_beat && m_axi_wlast) ? w_own : {NR{1'b0}};

    always @(posedge clk) begin
        if (rst) begin
            m_axi_awvalid <= 1'b0;
            w_active <= 1'b0;
            aw_after <= {NR{1'b0}};
            aw_gnt <= {NR{1'b0}}; aw_gv <= 1'b0; aw_ack_q <= {NR{1'b0}};
            w_own <= {NR{1'b0}};
            w_cnt <= 8'd0;
            w_len <= 8'd0;
            m_axi_awid <= {ID_W{1'b0}};
            m_axi_awaddr <= 64'd0;
            m_axi_awlen <= 8'd0;
        end else begin
            aw_ack_q <= aw_load ? aw_gnt : {NR{1'b0}};
            if (m_axi_awvalid && m_axi_awready) m_axi_awvalid <= 1'b0;
            if (w_beat) begin
                w_cnt <= w_cnt + 1'b1;
                if (m_axi_wlast) w_active <= 1'b0;
            end
            if (aw_load) begin
                m_axi_awvalid <= 1'b1;
                m_axi_awid    <= aw_id_g;
                m_axi_awaddr  <= aw_addr_g;
                m_axi_awlen   <= aw_len_g;
                w_active      <= 1'b1;
                w_own         <= aw_gnt;
                w_cnt         <= 8'd0;
                w_len         <= aw_len_g;
            end
            if (aw_gv) begin
                if (aw_load || !aw_still) begin aw_gv <= 1'b0; aw_gnt <= {NR{1'b0}}; end
            end else if (aw_found) begin
                aw_gv  <= 1'b1;
                aw_gnt <= aw_pick;
                aw_after <= aw_pick_after;
            end
        end
    end

    assign idle = !m_axi_arvalid && !m_axi_awvalid && !w_active && !ar_gv && !aw_gv;
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on WIDTH */
