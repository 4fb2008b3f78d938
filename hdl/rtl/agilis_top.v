// agilis_top: the AEAD offload card behind one AXI4-Lite slave (BAR0, the
// register map of hdl/regmap.toml) and one AXI4 master (DMA to host memory).
// This is what the Artix-7 PCIe wrapper (hdl/board/) puts behind Xilinx's
// AXI-PCIe bridge, and what the synthesis report measures.
//
//   N_LANES lanes (1..16); lane i is AES-256-GCM if LANE_AES_MASK[i], else
//   Ascon-AEAD128 with ASCON_ROUNDS_PER_CYCLE rounds per clock. KEY_SLOTS
//   write-only key slots (1..32). A descriptor ring of up to
//   2^RING_MAX_LOG2 entries. Jobs of up to 2^MAX_LEN_LOG2 bytes of AD and of
//   message each.
//
// Limits of the parameters (the register map's fields): N_LANES <= 16,
// KEY_SLOTS <= 32, RING_MAX_LOG2 <= 15, MAX_LEN_LOG2 >= 8, and
// 2^ID_W > N_LANES (the ring engine's AXI ID is N_LANES).
//
// See docs/register-map.md (generated) and docs/dma.md.
// Widths follow Verilog's rules on purpose (zero-extension against the register
// map's sized constants and the 32-bit parameters); unused bits are unused.
/* verilator lint_off WIDTH */
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module agilis_top #(
    parameter integer N_LANES = 4,
    parameter [15:0]  LANE_AES_MASK = 16'b1100,
    parameter integer ASCON_ROUNDS_PER_CYCLE = 2,
    parameter integer KEY_SLOTS = 16,
    parameter integer RING_MAX_LOG2 = 12,
    parameter integer MAX_LEN_LOG2 = 20,
    parameter integer FIFO_LOG2 = 5,
    parameter integer ID_W = 4
) (
    input  wire              clk,
    input  wire              rst,            // synchronous, active high
    // AXI4-Lite slave (BAR0)
    input  wire [15:0]       s_axil_awaddr,
    input  wire [2:0]        s_axil_awprot,
    input  wire              s_axil_awvalid,
    output wire              s_axil_awready,
    input  wire [31:0]       s_axil_wdata,
    input  wire [3:0]        s_axil_wstrb,
    input  wire              s_axil_wvalid,
    output wire              s_axil_wready,
    output wire [1:0]        s_axil_bresp,
    output reg               s_axil_bvalid,
    input  wire              s_axil_bready,
    input  wire [15:0]       s_axil_araddr,
    input  wire [2:0]        s_axil_arprot,
    input  wire              s_axil_arvalid,
    output wire              s_axil_arready,
    output reg  [31:0]       s_axil_rdata,
    output wire [1:0]        s_axil_rresp,
    output reg               s_axil_rvalid,
    input  wire              s_axil_rready,
    // AXI4 master (host memory)
    output wire [ID_W-1:0]   m_axi_arid,
    output wire [63:0]       m_axi_araddr,
    output wire [7:0]        m_axi_arlen,
    output wire [2:0]        m_axi_arsize,
    output wire [1:0]        m_axi_arburst,
    output wire [3:0]        m_axi_arcache,
    output wire [2:0]        m_axi_arprot,
    output wire              m_axi_arvalid,
    input  wire              m_axi_arready,
    input  wire [ID_W-1:0]   m_axi_rid,
    input  wire [127:0]      m_axi_rdata,
    input  wire [1:0]        m_axi_rresp,
    input  wire              m_axi_rlast,
    input  wire              m_axi_rvalid,
    output wire              m_axi_rready,
    output wire [ID_W-1:0]   m_axi_awid,
    output wire [63:0]       m_axi_awaddr,
    output wire [7:0]        m_axi_awlen,
    output wire [2:0]        m_axi_awsize,
    output wire [1:0]        m_axi_awburst,
    output wire [3:0]        m_axi_awcache,
    output wire [2:0]        m_axi_awprot,
    output wire              m_axi_awvalid,
    input  wire              m_axi_awready,
    output wire [127:0]      m_axi_wdata,
    output wire [15:0]       m_axi_wstrb,
    output wire              m_axi_wlast,
    output wire              m_axi_wvalid,
    input  wire              m_axi_wready,
    input  wire [ID_W-1:0]   m_axi_bid,
    input  wire [1:0]        m_axi_bresp,
    input  wire              m_axi_bvalid,
    output wire              m_axi_bready,
    // level interrupt: (IRQ_STATUS & IRQ_ENABLE) != 0
    output reg               irq
);
`include "agilis_regmap.vh"
`include "agilis_selftest.vh"

    localparam integer N  = N_LANES;
    localparam integer NR = N_LANES + 1;                 // DMA requesters: lanes, then the ring
    localparam integer SW = (KEY_SLOTS > 1) ? $clog2(KEY_SLOTS) : 1;
    localparam integer KW = $clog2(KEY_SLOTS + 1);       // key memory address: slots + the self-test slot
    localparam integer LW = (N_LANES > 1) ? $clog2(N_LANES) : 1;
    localparam integer WIN_LOG2 = $clog2(N_LANES + 2);
    localparam [N-1:0] AES_LANES = LANE_AES_MASK[N-1:0];
    localparam [31:0] RING_MAX = 32'd1 << RING_MAX_LOG2;
    localparam [7:0]  LANES8 = N_LANES;
    localparam [7:0]  SLOTS8 = KEY_SLOTS;
    localparam [3:0]  ROUNDS4 = ASCON_ROUNDS_PER_CYCLE;
    localparam [15:0] RING_MAX16 = RING_MAX;
    localparam [7:0]  WIN8 = 1 << WIN_LOG2;
    localparam [7:0]  DESC8 = AGILIS_DESC_BYTES;
    localparam [31:0] ERR_JOB_MASK = 32'h0000_00FF;

    // ---- soft reset and key wipe -------------------------------------------------
    // After a hard reset, and at the end of a soft reset, every key slot is
    // overwritten with zeros (KEY_SLOTS cycles; STATUS.RESET_BUSY meanwhile).
    localparam [1:0] SR_IDLE = 2'd0, SR_DRAIN = 2'd1, SR_WIPE = 2'd2, SR_CLEAR = 2'd3;
    // soft_rst and sr_abort come straight from flip-flops (one cycle after
    // the state they stand for): they fan out to every lane, core and the ring.
    reg [1:0]  sr_state;
    reg [KW-1:0] wipe_idx;
    wire       sr_busy  = (sr_state != SR_IDLE);
    reg        sr_abort;     // == (sr_state == SR_DRAIN), as its own register
    reg        soft_rst;     // hard reset (delayed a cycle) or the SR_CLEAR cycle
    always @(posedge clk) soft_rst <= rst || (sr_state == SR_WIPE && wipe_idx == KEY_SLOTS);

    // ---- registers ------------------------------------------------------------------
    reg         ring_en, st_busy, st_armed, st_done;
    reg [N-1:0] st_result;
    reg [11:0]  error;
    reg [31:0]  irq_status, irq_en, scratch;
    reg [7:0]   key_sel;
    reg [1:0]   key_alg_r;
    reg [KEY_SLOTS-1:0]   slot_loaded;
    reg [2*KEY_SLOTS-1:0] slot_alg;
    reg [63:0]  ring_base;
    reg [31:0]  ring_size, ring_prod;

    // ---- lanes, ring, DMA wiring -----------------------------------------------------
    wire [N-1:0]     lane_idle, lane_busy_err, lane_done, lane_st_running, lane_st_pass;
    wire [N-1:0]     lane_fin_valid, lane_fin_ack, lane_key_req, ring_go;
    wire [N*32-1:0]  lane_rdata, lane_fin_idx, lane_fin_status;
    wire [N*8-1:0]   lane_err_set, lane_key_slot;
    wire [NR-1:0]    ar_req, ar_ack, r_valid, aw_req, aw_ack, w_pop, w_end, b_valid;
    wire [NR*64-1:0] ar_addr, aw_addr;
    wire [NR*8-1:0]  ar_len, aw_len;
    wire [NR*128-1:0] w_data;
    wire [NR*16-1:0] w_strb;
    wire [127:0]     r_data;
    wire [1:0]       r_resp, b_resp;
    wire             dma_idle;
    wire [31:0]      ring_cons, ring_fetch;
    wire             ring_active, ring_quiet, ring_fault, ring_cons_adv;
    wire [7:0]       ring_err_set;
    wire             job_dec;
    wire [7:0]       job_slot;
    wire [31:0]      job_ad_len, job_msg_len, job_idx;
    wire [63:0]      job_src, job_dst;
    wire [127:0]     job_nonce;

    // ---- key slots: 8 word memories (distributed RAM), one write port -------------
    // Slot KEY_SLOTS is hidden: the self-test writes its known-answer key there.
    // The write port is registered (address, data, enables: one cycle after
    // the register write that causes it); the read data is registered too
    // (key_q), so the cores' key inputs come from flip-flops.
    reg              km_we_all;     // write all 8 words: zeros (clear/wipe) or the self-test key
    reg              km_st_key;
    reg  [7:0]       km_we_word;    // write one word (KEY_DATA)
    reg  [KW-1:0]    km_waddr;
    reg  [31:0]      km_wdata;
    reg              key_gnt_valid;
    reg  [LW-1:0]    key_gnt_lane;
    reg  [KW-1:0]    key_rd_slot;
    reg  [N-1:0]     key_gnt_q;     // one cycle after the grant: key_q holds the lane's key
    wire [255:0]     key_bus;
    reg  [255:0]     key_q;
    genvar gw;
    generate for (gw = 0; gw < 8; gw = gw + 1) begin : g_km
        reg [31:0] mem [0:KEY_SLOTS];
        always @(posedge clk)
            if (km_we_all || km_we_word[gw])
                mem[km_waddr] <= km_we_all ? (km_st_key ? ST_KEY[32*gw +: 32] : 32'd0) : km_wdata;
        assign key_bus[32*gw +: 32] = mem[key_rd_slot];
    end endgenerate
    always @(posedge clk) key_q <= key_bus;

    // key bus arbiter: one lane per grant, every third cycle. The grant reads
    // the slot (key_rd_slot), the next cycle registers the words (key_q) and
    // tells the lane (key_gnt_q), whose core samples key_q the cycle after
    // (its start comes from a lane register).
    reg          kr_found;
    reg [LW-1:0] kr_pick;
    integer ki;
    always @* begin
        kr_found = 1'b0;
        kr_pick = {LW{1'b0}};
        for (ki = N - 1; ki >= 0; ki = ki - 1)
            if (lane_key_req[ki]) begin kr_found = 1'b1; kr_pick = ki; end
    end
    wire [7:0] kr_slot = lane_key_slot[kr_pick*8 +: 8];
    integer kg;
    always @(posedge clk) begin
        if (soft_rst) begin
            key_gnt_valid <= 1'b0;
            key_gnt_lane <= {LW{1'b0}};
            key_rd_slot <= {KW{1'b0}};
            key_gnt_q <= {N{1'b0}};
        end else begin
            // a grant every third cycle: key_rd_slot holds until the core has sampled key_q
            key_gnt_valid <= !key_gnt_valid && !(|key_gnt_q) && kr_found;
            if (!key_gnt_valid && !(|key_gnt_q) && kr_found) begin
                key_gnt_lane <= kr_pick;
                key_rd_slot <= kr_slot[KW-1:0];
            end
            for (kg = 0; kg < N; kg = kg + 1)
                key_gnt_q[kg] <= key_gnt_valid && (key_gnt_lane == kg);
        end
    end

    // ---- AXI4-Lite slave -----------------------------------------------------------
    // Writes: the handshake captures address, data and strobes (wq_*); the
    // next cycle decodes them into one-hot selects (ws_*); the cycle after
    // applies them, and BVALID rises with the effect. Reads: the handshake
    // captures the address (rq_*); the next cycle registers the global
    // read-back and every lane registers its own (lane_rdata); the cycle
    // after selects one into RDATA with RVALID. One write and one read at a
    // time; a read waits for a write in flight (and loses a tie), so that a
    // read issued after a write observes it.
    assign s_axil_bresp = 2'b00;
    assign s_axil_rresp = 2'b00;
    reg         wq_v, ws_v, rq_v, rs_v;
    reg  [15:0] wq_a, rq_a;
    reg  [31:0] wq_d;
    reg         wq_strb;
    wire wr_take = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid && !wq_v && !ws_v;
    assign s_axil_awready = wr_take;
    assign s_axil_wready  = wr_take;
    wire rd_take = s_axil_arvalid && !s_axil_rvalid && !rq_v && !rs_v && !wq_v && !ws_v && !wr_take;
    assign s_axil_arready = rd_take;

    wire [15:0] wa = wq_a;
    wire [15:0] ra = rq_a;
    wire [31:0] wd = wq_d;

    // lane window decode
    function in_lanes(input [15:0] a);
        in_lanes = (a >= AGILIS_LANE_BASE) && (a < AGILIS_LANE_BASE + N * AGILIS_LANE_STRIDE);
    endfunction
    function [15:0] lane_of(input [15:0] a);
        lane_of = (a - AGILIS_LANE_BASE) >> AGILIS_LANE_STRIDE_LOG2;
    endfunction
    function [7:0] loff(input [15:0] a);
        loff = a[7:0] & (AGILIS_LANE_STRIDE - 1);
    endfunction
    function lane_writable(input [7:0] o);
        lane_writable = (o == AGILIS_LANE_REG_CTRL) || (o == AGILIS_LANE_REG_ERROR) ||
            (o == AGILIS_LANE_REG_KEY_SLOT) || (o == AGILIS_LANE_REG_AD_LEN) || (o == AGILIS_LANE_REG_MSG_LEN) ||
            (o == AGILIS_LANE_REG_SRC_LO) || (o == AGILIS_LANE_REG_SRC_HI) ||
            (o == AGILIS_LANE_REG_DST_LO) || (o == AGILIS_LANE_REG_DST_HI) ||
            (o >= AGILIS_LANE_REG_NONCE && o < AGILIS_LANE_REG_NONCE + 4 * AGILIS_LANE_REG_NONCE_STRIDE);
    endfunction
    function lane_readable(input [7:0] o);
        lane_readable = lane_writable(o) || (o == AGILIS_LANE_REG_STATUS) || (o == AGILIS_LANE_REG_INFO) ||
            (o == AGILIS_LANE_REG_CYCLES) ||
            (o >= AGILIS_LANE_REG_TAG && o < AGILIS_LANE_REG_TAG + 4 * AGILIS_LANE_REG_TAG_STRIDE);
    endfunction
    function glob_writable(input [15:0] a);
        glob_writable = (a == AGILIS_REG_CONTROL) || (a == AGILIS_REG_ERROR) || (a == AGILIS_REG_IRQ_STATUS) ||
            (a == AGILIS_REG_IRQ_ENABLE) || (a == AGILIS_REG_SCRATCH) || (a == AGILIS_REG_KEY_SLOT_SEL) ||
            (a == AGILIS_REG_KEY_ALG) || (a == AGILIS_REG_KEY_CMD) ||
            (a >= AGILIS_REG_KEY_DATA && a < AGILIS_REG_KEY_DATA + AGILIS_REG_KEY_DATA_COUNT * AGILIS_REG_KEY_DATA_STRIDE) ||
            (a == AGILIS_REG_RING_BASE_LO) || (a == AGILIS_REG_RING_BASE_HI) || (a == AGILIS_REG_RING_SIZE) ||
            (a == AGILIS_REG_RING_PROD);
    endfunction

    // write decode (stage wq), registered into one-cycle select pulses (stage ws).
    // Whether the address is a lane's, which lane, and whether it is mapped are
    // decoded as the write is taken (flip-flops at stage wq).
    wire [15:0] aw_a = {s_axil_awaddr[15:2], 2'b00};
    wire        aw_in_lane = in_lanes(aw_a);
    wire [15:0] aw_lane    = lane_of(aw_a);
    wire        aw_mapped  = aw_in_lane ? lane_writable(loff(aw_a)) : glob_writable(aw_a);
    reg         w_in_lane, w_mapped;
    reg  [15:0] w_lane;
    wire [7:0]  w_loff     = loff(wa);
    wire        w_ok       = wq_v && w_mapped && wq_strb;
    wire        w_do       = w_ok && !sr_busy;
    wire        w_gdo      = wq_v && wq_strb && !sr_busy;   // with an exact global address: mapped, no lane
    wire        w_key_data = (wa >= AGILIS_REG_KEY_DATA) &&
                             (wa < AGILIS_REG_KEY_DATA + AGILIS_REG_KEY_DATA_COUNT * AGILIS_REG_KEY_DATA_STRIDE);
    reg         ws_bad, ws_ctl, ws_err, ws_irqs, ws_irqe, ws_scr, ws_ksel, ws_kalg, ws_kcmd, ws_kdata;
    reg         ws_rbl, ws_rbh, ws_rsize, ws_rprod;
    reg  [2:0]  ws_kword;
    reg  [7:0]  ws_loff;
    reg  [N-1:0] lane_we, lane_ctl;
    integer wl;
    always @(posedge clk) begin
        if (rst) begin
            wq_v <= 1'b0; ws_v <= 1'b0; wq_a <= 16'd0; wq_d <= 32'd0; wq_strb <= 1'b0;
            w_in_lane <= 1'b0; w_mapped <= 1'b0; w_lane <= 16'd0;
            ws_bad <= 1'b0; ws_ctl <= 1'b0; ws_err <= 1'b0; ws_irqs <= 1'b0; ws_irqe <= 1'b0; ws_scr <= 1'b0;
            ws_ksel <= 1'b0; ws_kalg <= 1'b0; ws_kcmd <= 1'b0; ws_kdata <= 1'b0;
            ws_rbl <= 1'b0; ws_rbh <= 1'b0; ws_rsize <= 1'b0; ws_rprod <= 1'b0;
            ws_kword <= 3'd0; ws_loff <= 8'd0; lane_we <= {N{1'b0}}; lane_ctl <= {N{1'b0}};
            s_axil_bvalid <= 1'b0;
        end else begin
            if (wr_take) begin
                wq_a <= aw_a;
                w_in_lane <= aw_in_lane;
                w_lane    <= aw_lane;
                w_mapped  <= aw_mapped;
                wq_d <= s_axil_wdata;
                wq_strb <= (s_axil_wstrb == 4'hF);
            end
            wq_v <= wr_take;
            ws_v <= wq_v;
            ws_bad   <= wq_v && !(w_mapped && wq_strb);
            ws_ctl   <= w_gdo && (wa == AGILIS_REG_CONTROL);
            ws_err   <= w_gdo && (wa == AGILIS_REG_ERROR);
            ws_irqs  <= w_gdo && (wa == AGILIS_REG_IRQ_STATUS);
            ws_irqe  <= w_gdo && (wa == AGILIS_REG_IRQ_ENABLE);
            ws_scr   <= w_gdo && (wa == AGILIS_REG_SCRATCH);
            ws_ksel  <= w_gdo && (wa == AGILIS_REG_KEY_SLOT_SEL);
            ws_kalg  <= w_gdo && (wa == AGILIS_REG_KEY_ALG);
            ws_kcmd  <= w_gdo && (wa == AGILIS_REG_KEY_CMD);
            ws_kdata <= w_gdo && w_key_data;
            ws_rbl   <= w_gdo && (wa == AGILIS_REG_RING_BASE_LO);
            ws_rbh   <= w_gdo && (wa == AGILIS_REG_RING_BASE_HI);
            ws_rsize <= w_gdo && (wa == AGILIS_REG_RING_SIZE);
            ws_rprod <= w_gdo && (wa == AGILIS_REG_RING_PROD);
            ws_kword <= wa[4:2];
            ws_loff  <= w_loff;
            for (wl = 0; wl < N; wl = wl + 1) begin
                lane_we[wl]  <= w_do && w_in_lane && (w_lane == wl);
                lane_ctl[wl] <= w_gdo && (wa == AGILIS_LANE_BASE + wl * AGILIS_LANE_STRIDE + AGILIS_LANE_REG_CTRL);
            end
            // BVALID with the effect (the cycle after the apply stage)
            if (s_axil_bvalid && s_axil_bready) s_axil_bvalid <= 1'b0;
            if (ws_v) s_axil_bvalid <= 1'b1;
        end
    end

    // read decode (stage rq); the lanes decode their own offset (reg_raddr)
    wire        r_in_lane = in_lanes(ra);
    wire [15:0] r_lane    = lane_of(ra);
    wire [7:0]  r_loff    = loff(ra);

    // ---- control, errors, interrupts ------------------------------------------------
    // Everything here runs in the apply stage, from the ws_* selects (flip-flops).
    reg  size_ok;     // RING_SIZE is a power of two <= RING_MAX (registered: a cycle after the write)
    wire ring_busy_any = ring_en || ring_active;
    reg  lanes_busy;   // registered: a lane only turns busy by a write (3 cycles apart), the ring or the self-test
    reg  ring_busy_q;  // ring_busy_any, registered, to the lanes
    wire base_ok = (ring_base[5:0] == 6'd0);
    wire ctl_wr  = ws_ctl;
    wire ctl_sr  = ctl_wr && wd[AGILIS_CONTROL_SOFT_RESET];
    wire ctl_ren_on  = ctl_wr && !ctl_sr && wd[AGILIS_CONTROL_RING_EN] && !ring_en;
    wire ctl_ren_off = ctl_wr && !ctl_sr && !wd[AGILIS_CONTROL_RING_EN];
    wire ren_busy    = ctl_ren_on && (ring_active || lanes_busy || st_busy);
    wire ren_bad     = ctl_ren_on && !ren_busy && !(size_ok && base_ok);
    wire ring_start  = ctl_ren_on && !ren_busy && !ren_bad;
    wire ctl_st      = ctl_wr && !ctl_sr && wd[AGILIS_CONTROL_SELFTEST] && !st_busy;
    // (a write that also enables the ring refuses the self-test whether or
    // not the ring starts: the ring is not inactive then, and the decision
    // does not wait for the ring's checks)
    wire st_refused  = ctl_st && (lanes_busy || ring_busy_any || ctl_ren_on);
    wire st_go       = ctl_st && !st_refused;
    reg  st_go_q, ring_start_q;    // to the lanes / the ring, from flip-flops
    wire ring_cfg_wr = ws_rbl || ws_rbh || ws_rsize;
    wire ring_cfg_busy = ring_cfg_wr && ring_en;
    wire key_data_wr = ws_kdata;
    wire [2:0] key_word = ws_kword;
    wire key_cmd_wr  = ws_kcmd;
    wire key_sel_ok  = (key_sel < KEY_SLOTS);
    wire [1:0] kcmd  = wd[1:0];
    wire key_load    = key_cmd_wr && kcmd == AGILIS_KEY_CMD_LOAD && key_sel_ok &&
                       (key_alg_r == AGILIS_KEY_ALG_ASCON_AEAD128 || key_alg_r == AGILIS_KEY_ALG_AES_256_GCM) &&
                       wd[31:2] == 30'd0;
    wire key_clear   = key_cmd_wr && kcmd == AGILIS_KEY_CMD_CLEAR && key_sel_ok && wd[31:2] == 30'd0;
    wire key_cmd_bad = (key_cmd_wr && !key_load && !key_clear) || (key_data_wr && !key_sel_ok);
    wire st_finish   = st_busy && st_armed && (lane_st_running == 0);

    reg [7:0] lane_err_or;
    integer li;
    always @* begin
        lane_err_or = 8'd0;
        for (li = 0; li < N; li = li + 1) lane_err_or = lane_err_or | lane_err_set[li*8 +: 8];
    end
    reg rd_bad;       // the read in stage rq was unmapped (registered)
    reg [11:0] err_new;
    always @* begin
        err_new = {4'd0, lane_err_or | ring_err_set};
        if ((|lane_busy_err) || ren_busy || st_refused || ring_cfg_busy) err_new[AGILIS_ERROR_BUSY] = 1'b1;
        if (ren_bad || ring_fault) err_new[AGILIS_ERROR_RING_CONFIG] = 1'b1;
        if (ws_bad || rd_bad) err_new[AGILIS_ERROR_REG_ACCESS] = 1'b1;
        if (key_cmd_bad) err_new[AGILIS_ERROR_KEY_CMD] = 1'b1;
        if (st_finish && (st_result_next != {N{1'b1}})) err_new[AGILIS_ERROR_SELFTEST] = 1'b1;
    end
    wire [N-1:0] st_result_next = lane_st_pass;

    always @(posedge clk) begin
        if (rst) begin
            sr_state <= SR_WIPE;         // wipe the key slots after power-up / hard reset
            sr_abort <= 1'b0;
            wipe_idx <= 0;
        end else begin
            case (sr_state)
            SR_IDLE:  if (ctl_sr) begin sr_state <= SR_DRAIN; sr_abort <= 1'b1; end
            SR_DRAIN: if ((&lane_idle) && ring_quiet && dma_idle && !st_go_q && !ring_start_q) begin
                sr_state <= SR_WIPE; sr_abort <= 1'b0; wipe_idx <= 0;
            end
            SR_WIPE:  begin
                wipe_idx <= wipe_idx + 1'b1;
                if (wipe_idx == KEY_SLOTS) sr_state <= SR_CLEAR;
            end
            SR_CLEAR: sr_state <= SR_IDLE;
            endcase
        end
    end

    always @(posedge clk) begin
        km_we_all  <= 1'b0;
        km_st_key  <= 1'b0;
        km_we_word <= 8'd0;
        km_waddr   <= key_sel[KW-1:0];
        km_wdata   <= wd;
        if (sr_state == SR_WIPE) begin
            km_we_all <= 1'b1;
            km_waddr  <= wipe_idx;
        end else if (st_go) begin
            km_we_all <= 1'b1;
            km_st_key <= 1'b1;
            km_waddr  <= KEY_SLOTS;
        end else if (key_clear) km_we_all <= 1'b1;
        else if (key_data_wr && key_sel_ok) km_we_word[key_word] <= 1'b1;
    end

    always @(posedge clk) begin
        lanes_busy <= ~&lane_idle;
        ring_busy_q <= ring_busy_any;
        size_ok <= (ring_size != 0) && ((ring_size & (ring_size - 1)) == 0) && (ring_size <= RING_MAX);
        if (soft_rst) begin
            ring_en <= 1'b0; st_busy <= 1'b0; st_armed <= 1'b0; st_done <= 1'b0; st_result <= {N{1'b0}};
            error <= 12'd0; irq_status <= 32'd0; irq_en <= 32'd0; scratch <= 32'd0;
            key_sel <= 8'd0; key_alg_r <= 2'd0; slot_loaded <= {KEY_SLOTS{1'b0}}; slot_alg <= {2*KEY_SLOTS{1'b0}};
            ring_base <= 64'd0; ring_size <= 32'd0; ring_prod <= 32'd0;
            irq <= 1'b0; st_go_q <= 1'b0; ring_start_q <= 1'b0;
        end else begin
            st_go_q <= st_go;
            ring_start_q <= ring_start;
            // errors and interrupt causes
            error <= (error & ~(ws_err ? wd[11:0] : 12'd0)) | err_new;
            irq_status <= (irq_status & ~(ws_irqs ? wd : 32'd0))
                        | ((err_new != 0) ? (32'd1 << AGILIS_IRQ_STATUS_ERROR) : 32'd0)
                        | (ring_cons_adv ? (32'd1 << AGILIS_IRQ_STATUS_RING) : 32'd0)
                        | (st_finish ? (32'd1 << AGILIS_IRQ_STATUS_SELFTEST) : 32'd0)
                        | ({{(32-N){1'b0}}, lane_done} << AGILIS_IRQ_STATUS_LANE_DONE_LSB);
            irq <= |(irq_status & irq_en);

            if (ws_irqe) irq_en <= wd;
            if (ws_scr) scratch <= wd;
            if (ws_ksel) key_sel <= wd[7:0];
            if (ws_kalg) key_alg_r <= wd[1:0];
            if (ws_rbl && !ring_en) ring_base[31:0] <= wd;
            if (ws_rbh && !ring_en) ring_base[63:32] <= wd;
            if (ws_rsize && !ring_en) ring_size <= wd;
            if (ws_rprod) ring_prod <= wd;

            // key slots
            if (key_data_wr && key_sel_ok) slot_loaded[key_sel[SW-1:0]] <= 1'b0;
            if (key_load) begin
                slot_loaded[key_sel[SW-1:0]] <= 1'b1;
                slot_alg[2*key_sel[SW-1:0] +: 2] <= key_alg_r;
            end
            if (key_clear) begin
                slot_loaded[key_sel[SW-1:0]] <= 1'b0;
                slot_alg[2*key_sel[SW-1:0] +: 2] <= 2'd0;
            end

            // ring enable
            if (ring_start) begin ring_en <= 1'b1; ring_prod <= 32'd0; end
            if (ctl_ren_off || ring_fault) ring_en <= 1'b0;

            // self-test
            if (st_go) begin st_busy <= 1'b1; st_armed <= 1'b0; st_done <= 1'b0; end
            else if (st_busy && !st_go_q) st_armed <= 1'b1;
            if (st_finish) begin
                st_busy <= 1'b0;
                st_done <= 1'b1;
                st_result <= st_result_next;
            end
        end
    end

    // ---- register reads -------------------------------------------------------------
    // Which global register a read addresses is decoded from the address as it
    // is taken and kept one-hot (rsel), so that the read mux is an AND-OR of
    // flip-flops. Unmapped addresses, the lane windows and the write-only
    // KEY_CMD / KEY_DATA select nothing and read 0.
    localparam integer NGLOB = 23;
    function [NGLOB-1:0] glob_sel(input [15:0] a);
        begin
            glob_sel = {NGLOB{1'b0}};
            if (a[15:8] == 8'd0)
                case ({8'd0, a[7:0]})
                AGILIS_REG_ID: glob_sel[0] = 1'b1;
                AGILIS_REG_VERSION: glob_sel[1] = 1'b1;
                AGILIS_REG_REGMAP_HASH: glob_sel[2] = 1'b1;
                AGILIS_REG_CAPABILITY: glob_sel[3] = 1'b1;
                AGILIS_REG_LANE_KIND: glob_sel[4] = 1'b1;
                AGILIS_REG_MAX_LEN: glob_sel[5] = 1'b1;
                AGILIS_REG_RING_CAP: glob_sel[6] = 1'b1;
                AGILIS_REG_CONTROL: glob_sel[7] = 1'b1;
                AGILIS_REG_STATUS: glob_sel[8] = 1'b1;
                AGILIS_REG_ERROR: glob_sel[9] = 1'b1;
                AGILIS_REG_IRQ_STATUS: glob_sel[10] = 1'b1;
                AGILIS_REG_IRQ_ENABLE: glob_sel[11] = 1'b1;
                AGILIS_REG_SCRATCH: glob_sel[12] = 1'b1;
                AGILIS_REG_SELFTEST_RESULT: glob_sel[13] = 1'b1;
                AGILIS_REG_KEY_SLOT_SEL: glob_sel[14] = 1'b1;
                AGILIS_REG_KEY_ALG: glob_sel[15] = 1'b1;
                AGILIS_REG_KEY_LOADED: glob_sel[16] = 1'b1;
                AGILIS_REG_RING_BASE_LO: glob_sel[17] = 1'b1;
                AGILIS_REG_RING_BASE_HI: glob_sel[18] = 1'b1;
                AGILIS_REG_RING_SIZE: glob_sel[19] = 1'b1;
                AGILIS_REG_RING_PROD: glob_sel[20] = 1'b1;
                AGILIS_REG_RING_CONS: glob_sel[21] = 1'b1;
                AGILIS_REG_RING_FETCH: glob_sel[22] = 1'b1;
                default: ;
                endcase
        end
    endfunction
    reg [NGLOB-1:0] rsel;
    wire [NGLOB-1:0] ar_sel = glob_sel({s_axil_araddr[15:2], 2'b00});
    always @(posedge clk) begin
        if (rst) rsel <= {NGLOB{1'b0}};
        else if (rd_take) rsel <= ar_sel;
    end
    // (stage rq) a global register is readable if it is writable or has a read select
    wire r_mapped = r_in_lane ? lane_readable(r_loff) : (glob_writable(ra) || (rsel != {NGLOB{1'b0}}));

    reg [31:0] r_capability, r_ring_cap, r_control, r_status;
    always @* begin
        r_capability = 32'd0;
        r_capability[AGILIS_CAPABILITY_LANES_LSB +: 8] = LANES8;
        r_capability[AGILIS_CAPABILITY_KEY_SLOTS_LSB +: 8] = SLOTS8;
        r_capability[AGILIS_CAPABILITY_ASCON_ROUNDS_LSB +: 4] = ROUNDS4;
        r_capability[AGILIS_CAPABILITY_MAX_BURST_LSB +: 4] = 4'd15;
        r_capability[AGILIS_CAPABILITY_BEAT_BYTES_LSB +: 8] = 8'd16;
        r_ring_cap = 32'd0;
        r_ring_cap[AGILIS_RING_CAP_MAX_ENTRIES_LSB +: 16] = RING_MAX16;
        r_ring_cap[AGILIS_RING_CAP_DESC_BYTES_LSB +: 8] = DESC8;
        r_ring_cap[AGILIS_RING_CAP_MAX_INFLIGHT_LSB +: 8] = WIN8;
        r_control = 32'd0;
        r_control[AGILIS_CONTROL_SOFT_RESET] = sr_busy;
        r_control[AGILIS_CONTROL_RING_EN] = ring_en;
        r_control[AGILIS_CONTROL_SELFTEST] = st_busy;
        r_status = 32'd0;
        r_status[AGILIS_STATUS_RESET_BUSY] = sr_busy;
        r_status[AGILIS_STATUS_RING_ACTIVE] = ring_busy_any;
        r_status[AGILIS_STATUS_SELFTEST_BUSY] = st_busy;
        r_status[AGILIS_STATUS_SELFTEST_DONE] = st_done;
        r_status[AGILIS_STATUS_SELFTEST_PASS] = st_done && (st_result == {N{1'b1}});
        r_status[AGILIS_STATUS_ERROR] = (error != 0);
        r_status[AGILIS_STATUS_IRQ] = irq;
        r_status[AGILIS_STATUS_LANE_BUSY_LSB +: N] = ~lane_idle;
    end
    wire [31:0] rmux =
        ({32{rsel[0]}} & (AGILIS_ID_MAGIC)) |
        ({32{rsel[1]}} & (AGILIS_VERSION)) |
        ({32{rsel[2]}} & (AGILIS_REGMAP_HASH)) |
        ({32{rsel[3]}} & (r_capability)) |
        ({32{rsel[4]}} & ({{(32-N){1'b0}}, AES_LANES})) |
        ({32{rsel[5]}} & (32'd1 << MAX_LEN_LOG2)) |
        ({32{rsel[6]}} & (r_ring_cap)) |
        ({32{rsel[7]}} & (r_control)) |
        ({32{rsel[8]}} & (r_status)) |
        ({32{rsel[9]}} & ({20'd0, error})) |
        ({32{rsel[10]}} & (irq_status)) |
        ({32{rsel[11]}} & (irq_en)) |
        ({32{rsel[12]}} & (scratch)) |
        ({32{rsel[13]}} & ({{(32-N){1'b0}}, st_result})) |
        ({32{rsel[14]}} & ({24'd0, key_sel})) |
        ({32{rsel[15]}} & ({30'd0, key_alg_r})) |
        ({32{rsel[16]}} & ({{(32-KEY_SLOTS){1'b0}}, slot_loaded})) |
        ({32{rsel[17]}} & (ring_base[31:0])) |
        ({32{rsel[18]}} & (ring_base[63:32])) |
        ({32{rsel[19]}} & (ring_size)) |
        ({32{rsel[20]}} & (ring_prod)) |
        ({32{rsel[21]}} & (ring_cons)) |
        ({32{rsel[22]}} & (ring_fetch));

    reg          rs_in_lane, rs_mapped;
    reg [LW-1:0] rs_lane;
    reg [31:0]   rs_glob;
    always @(posedge clk) begin
        if (rst) begin
            rq_v <= 1'b0; rs_v <= 1'b0; rq_a <= 16'd0; rd_bad <= 1'b0;
            rs_in_lane <= 1'b0; rs_mapped <= 1'b0; rs_lane <= {LW{1'b0}}; rs_glob <= 32'd0;
            s_axil_rvalid <= 1'b0;
            s_axil_rdata  <= 32'd0;
        end else begin
            if (rd_take) rq_a <= {s_axil_araddr[15:2], 2'b00};
            rq_v <= rd_take;
            rs_v <= rq_v;
            rd_bad <= rq_v && !r_mapped;
            rs_in_lane <= r_in_lane;
            rs_mapped <= r_mapped;
            rs_lane <= r_lane[LW-1:0];
            rs_glob <= rmux;
            if (s_axil_rvalid && s_axil_rready) s_axil_rvalid <= 1'b0;
            if (rs_v) begin
                s_axil_rvalid <= 1'b1;
                s_axil_rdata  <= rs_in_lane ? (rs_mapped ? lane_rdata[rs_lane*32 +: 32] : 32'd0) : rs_glob;
            end
        end
    end

    // ---- lanes ----------------------------------------------------------------------
    genvar g;
    generate for (g = 0; g < N; g = g + 1) begin : g_lane
        agilis_lane #(
            .KIND(LANE_AES_MASK[g] ? 1 : 0),
            .ASCON_ROUNDS(ASCON_ROUNDS_PER_CYCLE),
            .KEY_SLOTS(KEY_SLOTS),
            .MAX_LEN_LOG2(MAX_LEN_LOG2),
            .FIFO_LOG2(FIFO_LOG2)
        ) lane (
            .clk(clk), .rst(soft_rst), .sr_abort(sr_abort), .ring_en(ring_busy_q),
            .reg_we(lane_we[g]), .reg_ctl(lane_ctl[g]), .reg_waddr(ws_loff), .reg_wdata(wd), .reg_raddr(r_loff),
            .reg_rdata(lane_rdata[g*32 +: 32]), .reg_busy_err(lane_busy_err[g]),
            .ring_go(ring_go[g]), .ring_dec(job_dec), .ring_slot(job_slot), .ring_ad_len(job_ad_len),
            .ring_msg_len(job_msg_len), .ring_src(job_src), .ring_dst(job_dst), .ring_nonce(job_nonce),
            .ring_idx(job_idx), .fin_valid(lane_fin_valid[g]), .fin_idx(lane_fin_idx[g*32 +: 32]),
            .fin_status(lane_fin_status[g*32 +: 32]), .fin_ack(lane_fin_ack[g]), .idle(lane_idle[g]),
            .st_go(st_go_q), .st_running(lane_st_running[g]), .st_pass(lane_st_pass[g]),
            .slot_loaded(slot_loaded), .slot_alg(slot_alg),
            .key_req(lane_key_req[g]), .key_slot(lane_key_slot[g*8 +: 8]),
            .key_gnt(key_gnt_q[g]), .key_bus(key_q),
            .err_set(lane_err_set[g*8 +: 8]), .done_direct(lane_done[g]),
            .ar_req(ar_req[g]), .ar_addr(ar_addr[g*64 +: 64]), .ar_len(ar_len[g*8 +: 8]), .ar_ack(ar_ack[g]),
            .r_valid(r_valid[g]), .r_data(r_data), .r_resp(r_resp),
            .aw_req(aw_req[g]), .aw_addr(aw_addr[g*64 +: 64]), .aw_len(aw_len[g*8 +: 8]), .aw_ack(aw_ack[g]),
            .w_data(w_data[g*128 +: 128]), .w_pop(w_pop[g]), .w_end(w_end[g]),
            .b_valid(b_valid[g]), .b_resp(b_resp));
        assign w_strb[g*16 +: 16] = 16'hFFFF;
    end endgenerate

    // ---- ring -----------------------------------------------------------------------
    agilis_ring #(
        .N_LANES(N), .LANE_AES_MASK(LANE_AES_MASK), .KEY_SLOTS(KEY_SLOTS), .WIN_LOG2(WIN_LOG2)
    ) ring (
        .clk(clk), .rst(soft_rst), .sr_abort(sr_abort), .start(ring_start_q), .en(ring_en),
        .base(ring_base), .size(ring_size), .prod(ring_prod), .cons(ring_cons), .fetch(ring_fetch),
        .active(ring_active), .quiet(ring_quiet), .fault(ring_fault), .err_set(ring_err_set),
        .cons_adv(ring_cons_adv), .slot_loaded(slot_loaded), .slot_alg(slot_alg),
        .lane_idle(lane_idle), .go(ring_go), .job_dec(job_dec), .job_slot(job_slot),
        .job_ad_len(job_ad_len), .job_msg_len(job_msg_len), .job_src(job_src), .job_dst(job_dst),
        .job_nonce(job_nonce), .job_idx(job_idx), .fin_valid(lane_fin_valid), .fin_idx(lane_fin_idx),
        .fin_status(lane_fin_status), .fin_ack(lane_fin_ack),
        .ar_req(ar_req[N]), .ar_addr(ar_addr[N*64 +: 64]), .ar_len(ar_len[N*8 +: 8]), .ar_ack(ar_ack[N]),
        .r_valid(r_valid[N]), .r_data(r_data), .r_resp(r_resp),
        .aw_req(aw_req[N]), .aw_addr(aw_addr[N*64 +: 64]), .aw_len(aw_len[N*8 +: 8]), .aw_ack(aw_ack[N]),
        .w_data(w_data[N*128 +: 128]), .w_strb(w_strb[N*16 +: 16]), .w_pop(w_pop[N]), .w_end(w_end[N]),
        .b_valid(b_valid[N]), .b_resp(b_resp));

    // ---- DMA ------------------------------------------------------------------------
    agilis_dma #(.NR(NR), .ID_W(ID_W)) dma (
        .clk(clk), .rst(soft_rst),
        .ar_req(ar_req), .ar_addr(ar_addr), .ar_len(ar_len), .ar_ack(ar_ack),
        .r_valid(r_valid), .r_data(r_data), .r_resp(r_resp),
        .aw_req(aw_req), .aw_addr(aw_addr), .aw_len(aw_len), .aw_ack(aw_ack),
        .w_data(w_data), .w_strb(w_strb), .w_pop(w_pop), .w_end(w_end),
        .b_valid(b_valid), .b_resp(b_resp), .idle(dma_idle),
        .m_axi_arid(m_axi_arid), .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen),
        .m_axi_arsize(m_axi_arsize), .m_axi_arburst(m_axi_arburst), .m_axi_arcache(m_axi_arcache),
        .m_axi_arprot(m_axi_arprot), .m_axi_arvalid(m_axi_arvalid), .m_axi_arready(m_axi_arready),
        .m_axi_rid(m_axi_rid), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast),
        .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready),
        .m_axi_awid(m_axi_awid), .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen),
        .m_axi_awsize(m_axi_awsize), .m_axi_awburst(m_axi_awburst), .m_axi_awcache(m_axi_awcache),
        .m_axi_awprot(m_axi_awprot), .m_axi_awvalid(m_axi_awvalid), .m_axi_awready(m_axi_awready),
        .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
        .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready),
        .m_axi_bid(m_axi_bid), .m_axi_bresp(m_axi_bresp), .m_axi_bvalid(m_axi_bvalid),
        .m_axi_bready(m_axi_bready));
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on WIDTH */
