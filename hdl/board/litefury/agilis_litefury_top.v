// agilis on the RHS Research LiteFury (xc7a100t-fgg484-2L, M.2 2280 M-key,
// PCIe Gen2 x4): a thin wrapper around agilis_top.
//
//   PCIe x4 <-> axi_pcie (Xilinx "AXI Memory Mapped to PCI Express", PG055,
//               wrapping the 7-series integrated block; Gen2 x4, 128-bit
//               AXI at 125 MHz on axi_aclk_out)
//     BAR0  -> its AXI4 master -> axi_dwidth_converter (128 -> 32)
//           -> axi_protocol_converter (AXI4 -> AXI4-Lite)
//           -> axi_clock_converter (125 MHz -> core clock)
//           -> agilis_top's register slave (hdl/regmap.toml)
//     DMA   <- agilis_top's 128-bit AXI4 master
//           -> axi_clock_converter (core clock -> 125 MHz)
//           -> axi_pcie's AXI4 slave -> host memory
//     irq   -> INTX_MSI_Request (one MSI per rising edge of the level irq)
//
// Clocking: the 100 MHz PCIe reference clock (F6/E6) through IBUFDS_GTE2
// feeds the bridge; its 125 MHz axi_aclk_out feeds an MMCM whose CLKOUT0 is
// the core clock: 125 MHz x CORE_CLK_MULT / CORE_CLK_DIVIDE (VCO = 125 MHz x
// CORE_CLK_MULT, which must stay within 600..1200 MHz for -1/-2L at 0.9 V,
// 600..1440 MHz at -2). Default 8/8 = 125 MHz; build.tcl sets them (see
// docs/lab-card.md for choosing the clock from `bench-harness fpga`).
//
// Reset: PERST# (J1, active low) resets the bridge (axi_aresetn). The AXI
// side of the converters leaves reset when PERST# is high and the bridge's
// MMCM is locked; agilis_top (synchronous, active-high rst) and the core side
// of the converters when, in addition, the core MMCM is locked. Every reset
// is synchronized into its clock domain.
//
// DMA addresses: axi_pcie's AXI slave has 32-bit addresses and build.tcl maps
// its whole 4 GiB window 1:1 onto PCIe addresses, so the driver must give
// the card DMA addresses (IOVAs) below 4 GiB; VFIO lets it choose them. A
// DMA address with a non-zero upper half is never sent: the wrapper stops
// all DMA requests from then on and lights LED2 until PERST# (fail closed),
// so a driver bug can never reach the wrong host page.
//
// LEDs (active low): LED0 = PCIe link up, LED1 = core clock heartbeat
// (toggles every 2^26 core cycles: 0.54 s at 125 MHz), LED2 = DMA blocked
// after an out-of-window address (sticky until PERST#), LED3 = interrupt
// pending.
/* verilator lint_off PINCONNECTEMPTY */
module agilis_litefury_top #(
    parameter integer N_LANES = 8,
    parameter [15:0]  LANE_AES_MASK = 16'h0000,
    parameter integer ASCON_ROUNDS_PER_CYCLE = 2,
    parameter integer CORE_CLK_MULT = 8,
    parameter integer CORE_CLK_DIVIDE = 8
) (
    input  wire       pcie_refclk_p,
    input  wire       pcie_refclk_n,
    input  wire [3:0] pcie_rx_p,
    input  wire [3:0] pcie_rx_n,
    output wire [3:0] pcie_tx_p,
    output wire [3:0] pcie_tx_n,
    input  wire       pcie_perst_n,
    output wire       pcie_clkreq_n,
    output wire [3:0] led_n
);
    localparam integer ID_W = 4;

    // ---- reference clock and bridge ---------------------------------------------
    wire refclk;
    IBUFDS_GTE2 u_refclk (.O(refclk), .ODIV2(), .CEB(1'b0), .I(pcie_refclk_p), .IB(pcie_refclk_n));
    assign pcie_clkreq_n = 1'b0;  // M.2: request the reference clock

    wire pclk;              // 125 MHz axi_aclk_out
    wire pclk_mmcm_lock;
    wire link_up;
    wire msi_enable, msi_grant;
    reg  msi_request;

    // bridge AXI master (BAR0), 128-bit
    wire [31:0]  bar_awaddr, bar_araddr;
    wire [7:0]   bar_awlen, bar_arlen;
    wire [2:0]   bar_awsize, bar_arsize, bar_awprot, bar_arprot;
    wire [1:0]   bar_awburst, bar_arburst, bar_bresp, bar_rresp;
    wire [3:0]   bar_awcache, bar_arcache;
    wire         bar_awlock, bar_arlock;
    wire         bar_awvalid, bar_awready, bar_wlast, bar_wvalid, bar_wready, bar_bvalid, bar_bready;
    wire         bar_arvalid, bar_arready, bar_rlast, bar_rvalid, bar_rready;
    wire [127:0] bar_wdata, bar_rdata;
    wire [15:0]  bar_wstrb;

    // bridge AXI slave (DMA), 128-bit, pclk side
    wire [ID_W-1:0] hm_awid, hm_arid, hm_bid, hm_rid;
    wire [31:0]  hm_awaddr, hm_araddr;
    wire [7:0]   hm_awlen, hm_arlen;
    wire [2:0]   hm_awsize, hm_arsize;
    wire [1:0]   hm_awburst, hm_arburst, hm_bresp, hm_rresp;
    wire [3:0]   hm_awregion, hm_arregion;
    wire         hm_awvalid, hm_awready, hm_wlast, hm_wvalid, hm_wready, hm_bvalid, hm_bready;
    wire         hm_arvalid, hm_arready, hm_rlast, hm_rvalid, hm_rready;
    wire [127:0] hm_wdata, hm_rdata;
    wire [15:0]  hm_wstrb;

    agilis_pcie_bridge u_pcie (
        .axi_aresetn(pcie_perst_n),
        .user_link_up(link_up),
        .axi_aclk_out(pclk),
        .axi_ctl_aclk_out(),
        .mmcm_lock(pclk_mmcm_lock),
        .interrupt_out(),
        .INTX_MSI_Request(msi_request),
        .INTX_MSI_Grant(msi_grant),
        .MSI_enable(msi_enable),
        .MSI_Vector_Num(5'd0),
        .MSI_Vector_Width(),
        .s_axi_awid(hm_awid), .s_axi_awaddr(hm_awaddr), .s_axi_awregion(hm_awregion), .s_axi_awlen(hm_awlen),
        .s_axi_awsize(hm_awsize), .s_axi_awburst(hm_awburst), .s_axi_awvalid(hm_awvalid), .s_axi_awready(hm_awready),
        .s_axi_wdata(hm_wdata), .s_axi_wstrb(hm_wstrb), .s_axi_wlast(hm_wlast), .s_axi_wvalid(hm_wvalid), .s_axi_wready(hm_wready),
        .s_axi_bid(hm_bid), .s_axi_bresp(hm_bresp), .s_axi_bvalid(hm_bvalid), .s_axi_bready(hm_bready),
        .s_axi_arid(hm_arid), .s_axi_araddr(hm_araddr), .s_axi_arregion(hm_arregion), .s_axi_arlen(hm_arlen),
        .s_axi_arsize(hm_arsize), .s_axi_arburst(hm_arburst), .s_axi_arvalid(hm_arvalid), .s_axi_arready(hm_arready),
        .s_axi_rid(hm_rid), .s_axi_rdata(hm_rdata), .s_axi_rresp(hm_rresp), .s_axi_rlast(hm_rlast),
        .s_axi_rvalid(hm_rvalid), .s_axi_rready(hm_rready),
        .m_axi_awaddr(bar_awaddr), .m_axi_awlen(bar_awlen), .m_axi_awsize(bar_awsize), .m_axi_awburst(bar_awburst),
        .m_axi_awprot(bar_awprot), .m_axi_awvalid(bar_awvalid), .m_axi_awready(bar_awready), .m_axi_awlock(bar_awlock),
        .m_axi_awcache(bar_awcache), .m_axi_wdata(bar_wdata), .m_axi_wstrb(bar_wstrb), .m_axi_wlast(bar_wlast),
        .m_axi_wvalid(bar_wvalid), .m_axi_wready(bar_wready), .m_axi_bresp(bar_bresp), .m_axi_bvalid(bar_bvalid),
        .m_axi_bready(bar_bready), .m_axi_araddr(bar_araddr), .m_axi_arlen(bar_arlen), .m_axi_arsize(bar_arsize),
        .m_axi_arburst(bar_arburst), .m_axi_arprot(bar_arprot), .m_axi_arvalid(bar_arvalid), .m_axi_arready(bar_arready),
        .m_axi_arlock(bar_arlock), .m_axi_arcache(bar_arcache), .m_axi_rdata(bar_rdata), .m_axi_rresp(bar_rresp),
        .m_axi_rlast(bar_rlast), .m_axi_rvalid(bar_rvalid), .m_axi_rready(bar_rready),
        .pci_exp_txp(pcie_tx_p), .pci_exp_txn(pcie_tx_n), .pci_exp_rxp(pcie_rx_p), .pci_exp_rxn(pcie_rx_n),
        .REFCLK(refclk),
        // the bridge's own control port stays idle
        .s_axi_ctl_awaddr(32'd0), .s_axi_ctl_awvalid(1'b0), .s_axi_ctl_awready(),
        .s_axi_ctl_wdata(32'd0), .s_axi_ctl_wstrb(4'd0), .s_axi_ctl_wvalid(1'b0), .s_axi_ctl_wready(),
        .s_axi_ctl_bresp(), .s_axi_ctl_bvalid(), .s_axi_ctl_bready(1'b1),
        .s_axi_ctl_araddr(32'd0), .s_axi_ctl_arvalid(1'b0), .s_axi_ctl_arready(),
        .s_axi_ctl_rdata(), .s_axi_ctl_rresp(), .s_axi_ctl_rvalid(), .s_axi_ctl_rready(1'b1)
    );

    // ---- core clock ------------------------------------------------------------------
    wire cclk_unbuf, cclk, cclk_fb, cclk_locked;
    MMCME2_BASE #(
        .CLKIN1_PERIOD(8.0),
        .CLKFBOUT_MULT_F(CORE_CLK_MULT),
        .CLKOUT0_DIVIDE_F(CORE_CLK_DIVIDE),
        .DIVCLK_DIVIDE(1)
    ) u_core_mmcm (
        .CLKIN1(pclk), .CLKFBIN(cclk_fb), .CLKFBOUT(cclk_fb), .CLKFBOUTB(),
        .CLKOUT0(cclk_unbuf), .CLKOUT0B(), .CLKOUT1(), .CLKOUT1B(), .CLKOUT2(), .CLKOUT2B(),
        .CLKOUT3(), .CLKOUT3B(), .CLKOUT4(), .CLKOUT5(), .CLKOUT6(),
        .LOCKED(cclk_locked), .PWRDWN(1'b0), .RST(~pclk_mmcm_lock)
    );
    BUFG u_cclk_bufg (.I(cclk_unbuf), .O(cclk));

    // ---- resets ----------------------------------------------------------------------
    // pclk domain: out of reset when PERST# is high and the bridge MMCM locked.
    (* ASYNC_REG = "TRUE" *) reg [2:0] prst_sync = 3'b000;
    always @(posedge pclk or negedge pcie_perst_n) begin
        if (!pcie_perst_n) prst_sync <= 3'b000;
        else               prst_sync <= {prst_sync[1:0], pclk_mmcm_lock};
    end
    wire paresetn = prst_sync[2];

    // core domain: also waits for the core MMCM.
    (* ASYNC_REG = "TRUE" *) reg [2:0] crst_sync = 3'b000;
    wire crst_async_n = pcie_perst_n & cclk_locked;
    always @(posedge cclk or negedge crst_async_n) begin
        if (!crst_async_n) crst_sync <= 3'b000;
        else               crst_sync <= {crst_sync[1:0], paresetn};
    end
    wire caresetn = crst_sync[2];
    reg  core_rst = 1'b1;  // synchronous, active high, one more stage for fanout
    always @(posedge cclk) core_rst <= ~caresetn;

    // ---- register path: BAR0 -> AXI4-Lite at the core clock --------------------------
    wire [31:0] nr_awaddr, nr_araddr, nr_wdata, nr_rdata;
    wire [7:0]  nr_awlen, nr_arlen;
    wire [2:0]  nr_awsize, nr_arsize, nr_awprot, nr_arprot;
    wire [1:0]  nr_awburst, nr_arburst, nr_bresp, nr_rresp;
    wire [0:0]  nr_awlock, nr_arlock;
    wire [3:0]  nr_awcache, nr_arcache, nr_awregion, nr_arregion, nr_awqos, nr_arqos, nr_wstrb;
    wire        nr_awvalid, nr_awready, nr_wlast, nr_wvalid, nr_wready, nr_bvalid, nr_bready;
    wire        nr_arvalid, nr_arready, nr_rlast, nr_rvalid, nr_rready;

    agilis_regs_dwidth u_regs_dw (
        .s_axi_aclk(pclk), .s_axi_aresetn(paresetn),
        .s_axi_awaddr(bar_awaddr), .s_axi_awlen(bar_awlen), .s_axi_awsize(bar_awsize), .s_axi_awburst(bar_awburst),
        .s_axi_awlock(bar_awlock), .s_axi_awcache(bar_awcache), .s_axi_awprot(bar_awprot), .s_axi_awregion(4'd0),
        .s_axi_awqos(4'd0), .s_axi_awvalid(bar_awvalid), .s_axi_awready(bar_awready),
        .s_axi_wdata(bar_wdata), .s_axi_wstrb(bar_wstrb), .s_axi_wlast(bar_wlast), .s_axi_wvalid(bar_wvalid),
        .s_axi_wready(bar_wready), .s_axi_bresp(bar_bresp), .s_axi_bvalid(bar_bvalid), .s_axi_bready(bar_bready),
        .s_axi_araddr(bar_araddr), .s_axi_arlen(bar_arlen), .s_axi_arsize(bar_arsize), .s_axi_arburst(bar_arburst),
        .s_axi_arlock(bar_arlock), .s_axi_arcache(bar_arcache), .s_axi_arprot(bar_arprot), .s_axi_arregion(4'd0),
        .s_axi_arqos(4'd0), .s_axi_arvalid(bar_arvalid), .s_axi_arready(bar_arready),
        .s_axi_rdata(bar_rdata), .s_axi_rresp(bar_rresp), .s_axi_rlast(bar_rlast), .s_axi_rvalid(bar_rvalid),
        .s_axi_rready(bar_rready),
        .m_axi_awaddr(nr_awaddr), .m_axi_awlen(nr_awlen), .m_axi_awsize(nr_awsize), .m_axi_awburst(nr_awburst),
        .m_axi_awlock(nr_awlock), .m_axi_awcache(nr_awcache), .m_axi_awprot(nr_awprot), .m_axi_awregion(nr_awregion),
        .m_axi_awqos(nr_awqos), .m_axi_awvalid(nr_awvalid), .m_axi_awready(nr_awready),
        .m_axi_wdata(nr_wdata), .m_axi_wstrb(nr_wstrb), .m_axi_wlast(nr_wlast), .m_axi_wvalid(nr_wvalid),
        .m_axi_wready(nr_wready), .m_axi_bresp(nr_bresp), .m_axi_bvalid(nr_bvalid), .m_axi_bready(nr_bready),
        .m_axi_araddr(nr_araddr), .m_axi_arlen(nr_arlen), .m_axi_arsize(nr_arsize), .m_axi_arburst(nr_arburst),
        .m_axi_arlock(nr_arlock), .m_axi_arcache(nr_arcache), .m_axi_arprot(nr_arprot), .m_axi_arregion(nr_arregion),
        .m_axi_arqos(nr_arqos), .m_axi_arvalid(nr_arvalid), .m_axi_arready(nr_arready),
        .m_axi_rdata(nr_rdata), .m_axi_rresp(nr_rresp), .m_axi_rlast(nr_rlast), .m_axi_rvalid(nr_rvalid),
        .m_axi_rready(nr_rready)
    );

    wire [31:0] pl_awaddr, pl_araddr, pl_wdata, pl_rdata;
    wire [2:0]  pl_awprot, pl_arprot;
    wire [3:0]  pl_wstrb;
    wire [1:0]  pl_bresp, pl_rresp;
    wire        pl_awvalid, pl_awready, pl_wvalid, pl_wready, pl_bvalid, pl_bready;
    wire        pl_arvalid, pl_arready, pl_rvalid, pl_rready;

    agilis_regs_axil u_regs_pc (
        .aclk(pclk), .aresetn(paresetn),
        .s_axi_awaddr(nr_awaddr), .s_axi_awlen(nr_awlen), .s_axi_awsize(nr_awsize), .s_axi_awburst(nr_awburst),
        .s_axi_awlock(nr_awlock), .s_axi_awcache(nr_awcache), .s_axi_awprot(nr_awprot), .s_axi_awregion(nr_awregion),
        .s_axi_awqos(nr_awqos), .s_axi_awvalid(nr_awvalid), .s_axi_awready(nr_awready),
        .s_axi_wdata(nr_wdata), .s_axi_wstrb(nr_wstrb), .s_axi_wlast(nr_wlast), .s_axi_wvalid(nr_wvalid),
        .s_axi_wready(nr_wready), .s_axi_bresp(nr_bresp), .s_axi_bvalid(nr_bvalid), .s_axi_bready(nr_bready),
        .s_axi_araddr(nr_araddr), .s_axi_arlen(nr_arlen), .s_axi_arsize(nr_arsize), .s_axi_arburst(nr_arburst),
        .s_axi_arlock(nr_arlock), .s_axi_arcache(nr_arcache), .s_axi_arprot(nr_arprot), .s_axi_arregion(nr_arregion),
        .s_axi_arqos(nr_arqos), .s_axi_arvalid(nr_arvalid), .s_axi_arready(nr_arready),
        .s_axi_rdata(nr_rdata), .s_axi_rresp(nr_rresp), .s_axi_rlast(nr_rlast), .s_axi_rvalid(nr_rvalid),
        .s_axi_rready(nr_rready),
        .m_axi_awaddr(pl_awaddr), .m_axi_awprot(pl_awprot), .m_axi_awvalid(pl_awvalid), .m_axi_awready(pl_awready),
        .m_axi_wdata(pl_wdata), .m_axi_wstrb(pl_wstrb), .m_axi_wvalid(pl_wvalid), .m_axi_wready(pl_wready),
        .m_axi_bresp(pl_bresp), .m_axi_bvalid(pl_bvalid), .m_axi_bready(pl_bready),
        .m_axi_araddr(pl_araddr), .m_axi_arprot(pl_arprot), .m_axi_arvalid(pl_arvalid), .m_axi_arready(pl_arready),
        .m_axi_rdata(pl_rdata), .m_axi_rresp(pl_rresp), .m_axi_rvalid(pl_rvalid), .m_axi_rready(pl_rready)
    );

    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] cl_awaddr, cl_araddr;  // BAR0 is 64 KiB: agilis_top decodes [15:0]
    /* verilator lint_on UNUSEDSIGNAL */
    wire [31:0] cl_wdata, cl_rdata;
    wire [2:0]  cl_awprot, cl_arprot;
    wire [3:0]  cl_wstrb;
    wire [1:0]  cl_bresp, cl_rresp;
    wire        cl_awvalid, cl_awready, cl_wvalid, cl_wready, cl_bvalid, cl_bready;
    wire        cl_arvalid, cl_arready, cl_rvalid, cl_rready;

    agilis_regs_cc u_regs_cc (
        .s_axi_aclk(pclk), .s_axi_aresetn(paresetn),
        .s_axi_awaddr(pl_awaddr), .s_axi_awprot(pl_awprot), .s_axi_awvalid(pl_awvalid), .s_axi_awready(pl_awready),
        .s_axi_wdata(pl_wdata), .s_axi_wstrb(pl_wstrb), .s_axi_wvalid(pl_wvalid), .s_axi_wready(pl_wready),
        .s_axi_bresp(pl_bresp), .s_axi_bvalid(pl_bvalid), .s_axi_bready(pl_bready),
        .s_axi_araddr(pl_araddr), .s_axi_arprot(pl_arprot), .s_axi_arvalid(pl_arvalid), .s_axi_arready(pl_arready),
        .s_axi_rdata(pl_rdata), .s_axi_rresp(pl_rresp), .s_axi_rvalid(pl_rvalid), .s_axi_rready(pl_rready),
        .m_axi_aclk(cclk), .m_axi_aresetn(caresetn),
        .m_axi_awaddr(cl_awaddr), .m_axi_awprot(cl_awprot), .m_axi_awvalid(cl_awvalid), .m_axi_awready(cl_awready),
        .m_axi_wdata(cl_wdata), .m_axi_wstrb(cl_wstrb), .m_axi_wvalid(cl_wvalid), .m_axi_wready(cl_wready),
        .m_axi_bresp(cl_bresp), .m_axi_bvalid(cl_bvalid), .m_axi_bready(cl_bready),
        .m_axi_araddr(cl_araddr), .m_axi_arprot(cl_arprot), .m_axi_arvalid(cl_arvalid), .m_axi_arready(cl_arready),
        .m_axi_rdata(cl_rdata), .m_axi_rresp(cl_rresp), .m_axi_rvalid(cl_rvalid), .m_axi_rready(cl_rready)
    );

    // ---- the card ---------------------------------------------------------------------
    wire [ID_W-1:0] cm_awid, cm_arid, cm_bid, cm_rid;
    wire [63:0]  cm_awaddr, cm_araddr;
    wire [7:0]   cm_awlen, cm_arlen;
    wire [2:0]   cm_awsize, cm_arsize, cm_awprot, cm_arprot;
    wire [1:0]   cm_awburst, cm_arburst, cm_bresp, cm_rresp;
    wire [3:0]   cm_awcache, cm_arcache;
    wire         cm_awvalid, cm_awready, cm_wlast, cm_wvalid, cm_wready, cm_bvalid, cm_bready;
    wire         cm_arvalid, cm_arready, cm_rlast, cm_rvalid, cm_rready;
    wire [127:0] cm_wdata, cm_rdata;
    wire [15:0]  cm_wstrb;
    wire         irq;

    agilis_top #(
        .N_LANES(N_LANES),
        .LANE_AES_MASK(LANE_AES_MASK),
        .ASCON_ROUNDS_PER_CYCLE(ASCON_ROUNDS_PER_CYCLE),
        .ID_W(ID_W)
    ) u_agilis (
        .clk(cclk),
        .rst(core_rst),
        .s_axil_awaddr(cl_awaddr[15:0]), .s_axil_awprot(cl_awprot), .s_axil_awvalid(cl_awvalid), .s_axil_awready(cl_awready),
        .s_axil_wdata(cl_wdata), .s_axil_wstrb(cl_wstrb), .s_axil_wvalid(cl_wvalid), .s_axil_wready(cl_wready),
        .s_axil_bresp(cl_bresp), .s_axil_bvalid(cl_bvalid), .s_axil_bready(cl_bready),
        .s_axil_araddr(cl_araddr[15:0]), .s_axil_arprot(cl_arprot), .s_axil_arvalid(cl_arvalid), .s_axil_arready(cl_arready),
        .s_axil_rdata(cl_rdata), .s_axil_rresp(cl_rresp), .s_axil_rvalid(cl_rvalid), .s_axil_rready(cl_rready),
        .m_axi_arid(cm_arid), .m_axi_araddr(cm_araddr), .m_axi_arlen(cm_arlen), .m_axi_arsize(cm_arsize),
        .m_axi_arburst(cm_arburst), .m_axi_arcache(cm_arcache), .m_axi_arprot(cm_arprot), .m_axi_arvalid(cm_arvalid),
        .m_axi_arready(cm_arready), .m_axi_rid(cm_rid), .m_axi_rdata(cm_rdata), .m_axi_rresp(cm_rresp),
        .m_axi_rlast(cm_rlast), .m_axi_rvalid(cm_rvalid), .m_axi_rready(cm_rready),
        .m_axi_awid(cm_awid), .m_axi_awaddr(cm_awaddr), .m_axi_awlen(cm_awlen), .m_axi_awsize(cm_awsize),
        .m_axi_awburst(cm_awburst), .m_axi_awcache(cm_awcache), .m_axi_awprot(cm_awprot), .m_axi_awvalid(cm_awvalid),
        .m_axi_awready(cm_awready), .m_axi_wdata(cm_wdata), .m_axi_wstrb(cm_wstrb), .m_axi_wlast(cm_wlast),
        .m_axi_wvalid(cm_wvalid), .m_axi_wready(cm_wready), .m_axi_bid(cm_bid), .m_axi_bresp(cm_bresp),
        .m_axi_bvalid(cm_bvalid), .m_axi_bready(cm_bready),
        .irq(irq)
    );

    // ---- DMA window guard (core clock) --------------------------------------------------
    // A request with a non-zero upper address half never leaves the card:
    // it is not passed on, and from then on no read or write request is
    // (fail closed until PERST#: the driver sees its jobs time out and LED2
    // lit). W beats pass through untouched: those of a blocked write have no
    // AW at the bridge and are never written anywhere.
    reg  dma_blocked;
    wire aw_block = dma_blocked | (|cm_awaddr[63:32]);
    wire ar_block = dma_blocked | (|cm_araddr[63:32]);
    wire gm_awvalid = cm_awvalid & ~aw_block;
    wire gm_arvalid = cm_arvalid & ~ar_block;
    wire gm_awready, gm_arready;
    assign cm_awready = gm_awready & ~aw_block;
    assign cm_arready = gm_arready & ~ar_block;
    always @(posedge cclk) begin
        if (!caresetn) dma_blocked <= 1'b0;
        else if ((cm_awvalid && aw_block) || (cm_arvalid && ar_block)) dma_blocked <= 1'b1;
    end

    // ---- DMA path: core clock -> pclk -> bridge AXI slave ------------------------------
    /* verilator lint_off UNUSEDSIGNAL */
    wire [3:0] hm_awqos_unused, hm_arqos_unused;
    wire [0:0] hm_awlock_unused, hm_arlock_unused;
    wire [3:0] hm_awcache_unused, hm_arcache_unused;
    wire [2:0] hm_awprot_unused, hm_arprot_unused;
    /* verilator lint_on UNUSEDSIGNAL */

    agilis_dma_cc u_dma_cc (
        .s_axi_aclk(cclk), .s_axi_aresetn(caresetn),
        .s_axi_awid(cm_awid), .s_axi_awaddr(cm_awaddr[31:0]), .s_axi_awlen(cm_awlen), .s_axi_awsize(cm_awsize),
        .s_axi_awburst(cm_awburst), .s_axi_awlock(1'b0), .s_axi_awcache(cm_awcache), .s_axi_awprot(cm_awprot),
        .s_axi_awregion(4'd0), .s_axi_awqos(4'd0), .s_axi_awvalid(gm_awvalid), .s_axi_awready(gm_awready),
        .s_axi_wdata(cm_wdata), .s_axi_wstrb(cm_wstrb), .s_axi_wlast(cm_wlast), .s_axi_wvalid(cm_wvalid),
        .s_axi_wready(cm_wready), .s_axi_bid(cm_bid), .s_axi_bresp(cm_bresp), .s_axi_bvalid(cm_bvalid),
        .s_axi_bready(cm_bready),
        .s_axi_arid(cm_arid), .s_axi_araddr(cm_araddr[31:0]), .s_axi_arlen(cm_arlen), .s_axi_arsize(cm_arsize),
        .s_axi_arburst(cm_arburst), .s_axi_arlock(1'b0), .s_axi_arcache(cm_arcache), .s_axi_arprot(cm_arprot),
        .s_axi_arregion(4'd0), .s_axi_arqos(4'd0), .s_axi_arvalid(gm_arvalid), .s_axi_arready(gm_arready),
        .s_axi_rid(cm_rid), .s_axi_rdata(cm_rdata), .s_axi_rresp(cm_rresp), .s_axi_rlast(cm_rlast),
        .s_axi_rvalid(cm_rvalid), .s_axi_rready(cm_rready),
        .m_axi_aclk(pclk), .m_axi_aresetn(paresetn),
        .m_axi_awid(hm_awid), .m_axi_awaddr(hm_awaddr), .m_axi_awlen(hm_awlen), .m_axi_awsize(hm_awsize),
        .m_axi_awburst(hm_awburst), .m_axi_awlock(hm_awlock_unused), .m_axi_awcache(hm_awcache_unused),
        .m_axi_awprot(hm_awprot_unused), .m_axi_awregion(hm_awregion), .m_axi_awqos(hm_awqos_unused),
        .m_axi_awvalid(hm_awvalid), .m_axi_awready(hm_awready),
        .m_axi_wdata(hm_wdata), .m_axi_wstrb(hm_wstrb), .m_axi_wlast(hm_wlast), .m_axi_wvalid(hm_wvalid),
        .m_axi_wready(hm_wready), .m_axi_bid(hm_bid), .m_axi_bresp(hm_bresp), .m_axi_bvalid(hm_bvalid),
        .m_axi_bready(hm_bready),
        .m_axi_arid(hm_arid), .m_axi_araddr(hm_araddr), .m_axi_arlen(hm_arlen), .m_axi_arsize(hm_arsize),
        .m_axi_arburst(hm_arburst), .m_axi_arlock(hm_arlock_unused), .m_axi_arcache(hm_arcache_unused),
        .m_axi_arprot(hm_arprot_unused), .m_axi_arregion(hm_arregion), .m_axi_arqos(hm_arqos_unused),
        .m_axi_arvalid(hm_arvalid), .m_axi_arready(hm_arready),
        .m_axi_rid(hm_rid), .m_axi_rdata(hm_rdata), .m_axi_rresp(hm_rresp), .m_axi_rlast(hm_rlast),
        .m_axi_rvalid(hm_rvalid), .m_axi_rready(hm_rready)
    );

    // ---- interrupt: level irq -> one MSI per rising edge (pclk) ----------------------
    // axi_pcie sends an MSI (or, with MSI disabled, a legacy INTx message) when
    // INTX_MSI_Request is raised and acknowledges with INTX_MSI_Grant; the
    // request is held until the grant. The driver clears IRQ_STATUS, which
    // drops irq; the next event raises it again and sends the next MSI.
    (* ASYNC_REG = "TRUE" *) reg [2:0] irq_sync = 3'b000;
    always @(posedge pclk) begin
        if (!paresetn) begin
            irq_sync <= 3'b000;
            msi_request <= 1'b0;
        end else begin
            irq_sync <= {irq_sync[1:0], irq};
            if (irq_sync[1] && !irq_sync[2]) msi_request <= 1'b1;
            else if (msi_grant) msi_request <= 1'b0;
        end
    end

    // ---- LEDs (active low) -----------------------------------------------------------
    reg [26:0] heartbeat = 27'd0;
    always @(posedge cclk) heartbeat <= heartbeat + 27'd1;
    assign led_n[0] = ~link_up;
    assign led_n[1] = ~heartbeat[26];
    assign led_n[2] = ~dma_blocked;
    assign led_n[3] = ~irq_sync[2];
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = &{1'b0, msi_enable};
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
