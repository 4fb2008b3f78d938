// One lane: an AEAD core (BUS = 128) with its DMA reader and writer, its
// job registers (the lane window of the register map) and its self-test.
//
// A job comes from the lane's registers (CTRL.START) or from the ring engine
// (ring_go, which loads the same registers). The lane checks it, fetches
// the expected tag first when decrypting, asks for its key slot on the
// shared key bus, starts the core, streams the source buffer (AD, then the
// message, each padded to 16 bytes) into it and the core's output (padded,
// then the tag when encrypting) to the destination. It is done when every
// write has been acknowledged. Any bus error, core stream error or soft
// reset ends the job through S_ABORT, which resets the core and waits for
// every outstanding read beat and write response before the lane is free:
// the AXI bus never sees a cut burst.
// Widths follow Verilog's rules on purpose (zero-extension against the register
// map's sized constants and the 32-bit parameters); unused bits are unused.
/* verilator lint_off WIDTH */
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module agilis_lane #(
    parameter integer KIND = 0,              // 0 Ascon-AEAD128, 1 AES-256-GCM
    parameter integer ASCON_ROUNDS = 2,
    parameter integer KEY_SLOTS = 16,
    parameter integer MAX_LEN_LOG2 = 20,
    parameter integer FIFO_LOG2 = 5
) (
    input  wire                  clk,
    input  wire                  rst,          // hard reset or the end of a soft reset
    input  wire                  sr_abort,        // soft reset in progress
    input  wire                  ring_en,      // the ring owns the lane: direct starts refused
    // register port (lane-relative offsets)
    input  wire                  reg_we,
    input  wire                  reg_ctl,      // reg_we of CTRL (decoded by the top)
    input  wire [7:0]            reg_waddr,
    input  wire [31:0]           reg_wdata,
    input  wire [7:0]            reg_raddr,
    output reg  [31:0]           reg_rdata,
    output wire                  reg_busy_err, // this write was refused
    // ring dispatch
    input  wire                  ring_go,
    input  wire                  ring_dec,
    input  wire [7:0]            ring_slot,
    input  wire [31:0]           ring_ad_len,
    input  wire [31:0]           ring_msg_len,
    input  wire [63:0]           ring_src,
    input  wire [63:0]           ring_dst,
    input  wire [127:0]          ring_nonce,
    input  wire [31:0]           ring_idx,
    output wire                  fin_valid,    // ring job finished; held until fin_ack
    output reg  [31:0]           fin_idx,
    output reg  [31:0]           fin_status,   // descriptor status word
    input  wire                  fin_ack,
    output wire                  idle,
    // self-test
    input  wire                  st_go,
    output wire                  st_running,
    output reg                   st_pass,
    // key slots
    input  wire [KEY_SLOTS-1:0]  slot_loaded,
    input  wire [2*KEY_SLOTS-1:0] slot_alg,
    output wire                  key_req,
    output wire [7:0]            key_slot,
    input  wire                  key_gnt,
    input  wire [255:0]          key_bus,
    // events
    output reg  [7:0]            err_set,      // job error bits, one-cycle pulse
    output reg                   done_direct,  // a direct job finished (pulse)
    // DMA requester
    output wire                  ar_req,
    output wire [63:0]           ar_addr,
    output wire [7:0]            ar_len,
    input  wire                  ar_ack,
    input  wire                  r_valid,
    input  wire [127:0]          r_data,
    input  wire [1:0]            r_resp,
    output wire                  aw_req,
    output wire [63:0]           aw_addr,
    output wire [7:0]            aw_len,
    input  wire                  aw_ack,
    output wire [127:0]          w_data,
    input  wire                  w_pop,
    input  wire                  w_end,
    input  wire                  b_valid,
    input  wire [1:0]            b_resp
);
`include "agilis_regmap.vh"
`include "agilis_selftest.vh"

    localparam [31:0] MAX_LEN = 32'd1 << MAX_LEN_LOG2;
    localparam integer BW = MAX_LEN_LOG2 - 2;           // beat counters (sum of both sections + tag)
    localparam integer SW = (KEY_SLOTS > 1) ? $clog2(KEY_SLOTS) : 1;
    localparam integer DEPTH = 1 << FIFO_LOG2;
    localparam [255:0] ST_CT  = (KIND == 1) ? ST_CT_AES  : ST_CT_ASCON;
    localparam [127:0] ST_TAG = (KIND == 1) ? ST_TAG_AES : ST_TAG_ASCON;
    localparam [3:0]   ROUNDS4 = ASCON_ROUNDS;
    localparam [7:0]   ST_SLOT = KEY_SLOTS;
    localparam [1:0]   MY_ALG = (KIND == 1) ? AGILIS_KEY_ALG_AES_256_GCM : AGILIS_KEY_ALG_ASCON_AEAD128;

    localparam [3:0] S_IDLE = 4'd0, S_CHECK = 4'd1, S_TAG = 4'd2, S_KEY = 4'd3, S_RUN = 4'd4,
                     S_TAGOUT = 4'd5, S_DRAIN = 4'd6, S_ABORT = 4'd7, S_FIN = 4'd8, S_WAITACK = 4'd9,
                     S_ST_START = 4'd10, S_PREP = 4'd11;

    (* fsm_encoding = "one-hot" *) reg [3:0] state;
    wire busy = !(state == S_IDLE);   // (an equality: one bit of the one-hot state, where != was an OR of the others)
    assign idle = !busy;

    // ---- job registers ----------------------------------------------------
    reg         p_dec;
    reg [7:0]   p_slot;
    reg [31:0]  p_ad, p_msg;
    reg [63:0]  p_src, p_dst;
    reg [127:0] p_nonce;
    reg         j_ring;
    reg [31:0]  j_idx;

    // ---- results ---------------------------------------------------------
    reg         res_done, res_tag_ok, res_tag_fail;
    reg [7:0]   job_err, lane_err;
    reg [31:0]  cycles;

    // ---- self-test -------------------------------------------------------
    reg         st_mode, st_phase, st_ok;
    reg         st_cmp_v;          // the beat compared last cycle was taken in self-test mode
    reg  [15:0] st_cmp_diff;       // ... and these bytes of it differ from the known answer
    wire        st_cmp_bad = st_cmp_v && (st_cmp_diff != 16'd0);
    integer     sb;
    reg         st_oidx;
    assign st_running = st_mode;

    // ---- register writes ---------------------------------------------------
    wire w_ctrl  = reg_ctl;
    wire w_err   = reg_we && (reg_waddr == AGILIS_LANE_REG_ERROR);
    wire w_param = reg_we && !w_ctrl && !w_err;
    wire start_bit = reg_wdata[AGILIS_LANE_CTRL_START];
    // A direct start, as S_IDLE sees it (where the lane is not busy by
    // definition: leaving `busy` out keeps its wide decode off this path).
    wire go_direct = w_ctrl && start_bit && !ring_en && !sr_abort;
    assign reg_busy_err = (w_ctrl && start_bit && (busy || ring_en)) || (w_param && busy);

    // ---- FIFOs -------------------------------------------------------------
    wire [127:0] rf_dout, wf_dout;
    wire rf_empty, rf_full, wf_empty, wf_full;
    wire [FIFO_LOG2:0] rf_count, wf_count;
    reg  rf_pop, wf_push;
    reg  [127:0] wf_din;
    wire fifo_clear;

    agilis_fifo #(.W(128), .DEPTH_LOG2(FIFO_LOG2)) rfifo (
        .clk(clk), .clear(fifo_clear), .push(r_valid && state != S_ABORT && state != S_IDLE), .din(r_data),
        .pop(rf_pop), .dout(rf_dout), .empty(rf_empty), .full(rf_full), .count(rf_count));
    agilis_fifo #(.W(128), .DEPTH_LOG2(FIFO_LOG2)) wfifo (
        .clk(clk), .clear(fifo_clear), .push(wf_push), .din(wf_din),
        .pop(w_pop), .dout(wf_dout), .empty(wf_empty), .full(wf_full), .count(wf_count));
    assign w_data = wf_dout;

    // ---- DMA bookkeeping -------------------------------------------------
    reg          rd_tag_pend;
    reg [63:0]   rd_addr, rd_tag_addr;
    reg [BW-1:0] rd_left;
    reg [FIFO_LOG2:0] rd_inflight;
    reg [63:0]   wr_addr;
    reg [BW-1:0] wr_left;
    reg          w_busy;
    reg [7:0]    b_out;
    reg          rd_err, wr_err;

    // burst length: at most 16 beats, never past a 4 KiB boundary
    function [4:0] burst_len(input [BW-1:0] left, input [63:0] addr);
        reg [8:0] to_boundary;
        reg [4:0] l;
        begin
            to_boundary = 9'd256 - {1'b0, addr[11:4]};
            l = (left >= 16) ? 5'd16 : left[4:0];
            if ({4'd0, l} > to_boundary) l = to_boundary[4:0];
            burst_len = l;
        end
    endfunction

    wire dma_phase = (state == S_TAG) || (state == S_KEY) || (state == S_RUN) ||
                     (state == S_TAGOUT) || (state == S_DRAIN);
    // The requests to the DMA are registered (request, address, length), from
    // the bookkeeping of the cycle before; a request acknowledged is dropped
    // for a cycle while the bookkeeping takes it in. Between a request and
    // its acknowledgement nothing it was computed from changes but the
    // FIFOs' room, which only grows.
    wire [4:0] rlen = rd_tag_pend ? 5'd1 : burst_len(rd_left, rd_addr);
    wire [FIFO_LOG2+1:0] rspace = DEPTH - rf_count - rd_inflight;
    wire ar_want = dma_phase && !st_mode && (rd_tag_pend || rd_left != 0) && (rspace >= rlen);
    reg          ar_req_q, aw_req_q;
    reg  [4:0]   rlen_q, wlen_q;
    reg  [63:0]  ar_addr_q;
    assign ar_req  = ar_req_q;
    assign ar_addr = ar_addr_q;
    assign ar_len  = {3'd0, rlen_q} - 8'd1;

    wire [4:0] wlen = burst_len(wr_left, wr_addr);
    wire aw_want = dma_phase && !st_mode && !w_busy && (wr_left != 0) && (wf_count >= wlen);
    assign aw_req  = aw_req_q;
    assign aw_addr = wr_addr;
    assign aw_len  = {3'd0, wlen_q} - 8'd1;

    // ---- core ------------------------------------------------------------
    reg  [127:0] tag_reg;
    reg  [BW-1:0] feed_ad, feed_msg;
    wire core_busy, core_in_ready, core_out_valid, core_out_last, core_done, core_tag_ok, core_err;
    wire [127:0] core_out_data, core_tag_out;
    wire [15:0]  core_out_keep;
    reg  [11:0]  st_watchdog;
    // The core's rst and start come straight from flip-flops: rst the cycle
    // after S_ABORT (or the watchdog), start the cycle after the key grant
    // (the top holds the key on key_bus that cycle).
    reg  core_rst, core_start;
    wire abort_now = st_mode ? sr_abort : (dma_phase && (rd_err || wr_err || sr_abort));

    // The core's job inputs come straight from the job registers; the
    // self-test loads its known answer into them (and its key is in the
    // hidden key slot KEY_SLOTS, written by the top), so that the self-test
    // adds no multiplexers in front of the core.
    wire [31:0]  c_ad_len  = p_ad;
    wire [31:0]  c_msg_len = p_msg;
    wire [255:0] c_key     = key_bus;
    wire [127:0] c_nonce   = p_nonce;
    wire [127:0] c_tag_in  = tag_reg;
    wire         c_decrypt = p_dec;

    // What the next beat into the queue is, kept in flip-flops beside the
    // counters (so that the queue's inputs are two LUT levels from
    // registers): whether it belongs to the AD (feed_ad != 0) and whether it
    // is its section's last (the counter of its section is 1).
    reg  feeding_ad, sec_last;
    // a section's last beat keeps the bytes of L mod 16 (all when 0)
    function [15:0] tail_keep(input [3:0] len_mod);
        integer i;
        begin
            for (i = 0; i < 16; i = i + 1) tail_keep[i] = (len_mod == 4'd0) || (i < len_mod);
        end
    endfunction
    wire [15:0] sec_keep = sec_last ? tail_keep(feeding_ad ? c_ad_len[3:0] : c_msg_len[3:0]) : 16'hFFFF;
    // self-test input: beat 0 or 1 of the AD, or of the PT (encrypt) / CT (decrypt)
    wire [255:0] st_msg_vec = st_phase ? ST_CT : ST_PT;
    wire st_beat = sec_last;    // 2-beat sections: left 2 -> beat 0, left 1 -> beat 1
    wire [127:0] st_in = feeding_ad ? ST_AD[st_beat*128 +: 128] : st_msg_vec[st_beat*128 +: 128];
    wire [127:0] feed_data = st_mode ? st_in : rf_dout;

    // The input stream reaches the core through a two-beat queue of
    // registers (cq0 is the head the core sees): a beat is loaded while the
    // queue has room at the start of the cycle, so that loading never waits
    // for the core's in_ready, and the core's stream inputs are flip-flops.
    reg  [1:0]   cq_n;
    reg          cq_v0;                 // == (cq_n != 0)
    reg  [127:0] cq_d0, cq_d1;
    reg  [15:0]  cq_k0, cq_k1;
    reg          cq_l0, cq_l1;
    reg          feed_more;             // == (feed_ad != 0 || feed_msg != 0)
    wire feed_load = (state == S_RUN) && feed_more && (st_mode || !rf_empty) && !cq_n[1];
    wire c_in_valid = cq_v0;
    wire [127:0] c_in_data = cq_d0;
    wire [15:0]  c_in_keep = cq_k0;
    wire         c_in_last = cq_l0;
    reg  out_ready_q;                   // S_RUN and room for one more beat in the write FIFO
    wire c_out_ready = out_ready_q;

    generate if (KIND == 1) begin : g_aes
        aes256_gcm #(.BUS(128)) core (
            .clk(clk), .rst(core_rst), .start(core_start), .decrypt(c_decrypt), .key(c_key),
            .nonce(c_nonce), .ad_len(c_ad_len), .msg_len(c_msg_len), .tag_in(c_tag_in), .busy(core_busy),
            .in_valid(c_in_valid), .in_ready(core_in_ready), .in_data(c_in_data), .in_keep(c_in_keep),
            .in_last(c_in_last), .out_valid(core_out_valid), .out_ready(c_out_ready), .out_data(core_out_data),
            .out_keep(core_out_keep), .out_last(core_out_last), .done(core_done), .tag_out(core_tag_out),
            .tag_ok(core_tag_ok), .err(core_err));
    end else begin : g_ascon
        ascon_aead128 #(.ROUNDS_PER_CYCLE(ASCON_ROUNDS), .BUS(128)) core (
            .clk(clk), .rst(core_rst), .start(core_start), .decrypt(c_decrypt), .key(c_key),
            .nonce(c_nonce), .ad_len(c_ad_len), .msg_len(c_msg_len), .tag_in(c_tag_in), .busy(core_busy),
            .in_valid(c_in_valid), .in_ready(core_in_ready), .in_data(c_in_data), .in_keep(c_in_keep),
            .in_last(c_in_last), .out_valid(core_out_valid), .out_ready(c_out_ready), .out_data(core_out_data),
            .out_keep(core_out_keep), .out_last(core_out_last), .done(core_done), .tag_out(core_tag_out),
            .tag_ok(core_tag_ok), .err(core_err));
    end endgenerate

    function [127:0] keep_mask(input [15:0] keep);
        integer i;
        begin
            for (i = 0; i < 16; i = i + 1) keep_mask[8*i +: 8] = {8{keep[i]}};
        end
    endfunction
    wire [127:0] out_masked = core_out_data & keep_mask(core_out_keep);
    wire core_out_beat = core_out_valid && c_out_ready;   // the core hands over an output beat
    wire st_out_beat = st_mode && core_out_beat;          // ... in the self-test
    wire [127:0] st_expect = (st_phase ? ST_PT[st_oidx*128 +: 128] : ST_CT[st_oidx*128 +: 128]) & keep_mask(core_out_keep);

    always @* begin
        rf_pop  = 1'b0;
        wf_push = 1'b0;
        wf_din  = out_masked;
        if (state == S_TAG && p_dec && !rf_empty) rf_pop = 1'b1;
        if (feed_load && !st_mode) rf_pop = 1'b1;
        if (state == S_ABORT && !rf_empty) rf_pop = 1'b1;
        if (!st_mode && core_out_beat) wf_push = 1'b1;
        if (state == S_TAGOUT && !wf_full) begin wf_push = 1'b1; wf_din = core_tag_out; end
    end

    // ---- job checks ----------------------------------------------------------
    wire [(1<<SW)-1:0] loaded_pad = {{((1<<SW)-KEY_SLOTS){1'b0}}, slot_loaded};
    wire [2*(1<<SW)-1:0] alg_pad = {{(2*((1<<SW)-KEY_SLOTS)){1'b0}}, slot_alg};
    wire slot_in  = (p_slot < KEY_SLOTS);
    wire slot_ok  = slot_in && loaded_pad[p_slot[SW-1:0]];
    wire e_len    = (p_ad > MAX_LEN) || (p_msg > MAX_LEN);
    wire e_slot   = !slot_ok;
    wire e_alg    = slot_ok && (alg_pad[2*p_slot[SW-1:0] +: 2] != MY_ALG);
    wire e_align  = (p_src[3:0] != 4'd0) || (p_dst[3:0] != 4'd0);
    reg  [3:0]    chk_err;     // S_CHECK's findings: length, slot, algorithm, alignment
    reg  [BW-1:0] chk_ad, chk_msg, chk_total;
    reg           chk_ad_nz, chk_sec_one;
    wire [BW-1:0] ad_beats  = p_ad[BW+3:4]  + (p_ad[3:0]  != 4'd0);
    wire [BW-1:0] msg_beats = p_msg[BW+3:4] + (p_msg[3:0] != 4'd0);
    wire drained = (rd_inflight == 0) && !w_busy && (b_out == 0) && !ar_req_q && !aw_req_q && !ar_ack && !aw_ack;

    assign key_req  = (state == S_KEY);
    assign key_slot = st_mode ? ST_SLOT : p_slot;
    assign fin_valid = (state == S_WAITACK);
    assign fifo_clear = rst || (state == S_CHECK) || (state == S_ABORT && drained);

    // ---- the job ---------------------------------------------------------------
    always @(posedge clk) begin
        if (rst) begin
            state <= S_IDLE;
            p_dec <= 1'b0; p_slot <= 8'd0; p_ad <= 32'd0; p_msg <= 32'd0;
            p_src <= 64'd0; p_dst <= 64'd0; p_nonce <= 128'd0;
            j_ring <= 1'b0; j_idx <= 32'd0;
            res_done <= 1'b0; res_tag_ok <= 1'b0; res_tag_fail <= 1'b0;
            job_err <= 8'd0; lane_err <= 8'd0; cycles <= 32'd0;
            st_mode <= 1'b0; st_phase <= 1'b0; st_ok <= 1'b0; st_pass <= 1'b0; st_oidx <= 1'b0;
            st_watchdog <= 12'd0;
            rd_tag_pend <= 1'b0; rd_addr <= 64'd0; rd_tag_addr <= 64'd0; rd_left <= {BW{1'b0}};
            rd_inflight <= 0; wr_addr <= 64'd0; wr_left <= {BW{1'b0}}; w_busy <= 1'b0; b_out <= 8'd0;
            rd_err <= 1'b0; wr_err <= 1'b0; tag_reg <= 128'd0;
            feed_ad <= {BW{1'b0}}; feed_msg <= {BW{1'b0}}; feed_more <= 1'b0;
            feeding_ad <= 1'b0; sec_last <= 1'b0;
            err_set <= 8'd0; done_direct <= 1'b0;
            fin_idx <= 32'd0; fin_status <= 32'd0;
        end else begin
            err_set <= 8'd0;
            done_direct <= 1'b0;
            if (busy) cycles <= cycles + 1'b1;

            // register writes (refused while busy; see reg_busy_err)
            if (w_err) lane_err <= lane_err & ~reg_wdata[7:0];
            if (reg_busy_err) lane_err[AGILIS_ERROR_BUSY] <= 1'b1;
            // (the case picks the parameter words, so the ERROR address,
            // which w_param leaves out, needs no decode on this wide enable)
            if (reg_we && !w_ctrl && !busy) begin
                case (reg_waddr)
                    AGILIS_LANE_REG_KEY_SLOT: p_slot <= reg_wdata[7:0];
                    AGILIS_LANE_REG_AD_LEN:   p_ad <= reg_wdata;
                    AGILIS_LANE_REG_MSG_LEN:  p_msg <= reg_wdata;
                    AGILIS_LANE_REG_SRC_LO:   p_src[31:0] <= reg_wdata;
                    AGILIS_LANE_REG_SRC_HI:   p_src[63:32] <= reg_wdata;
                    AGILIS_LANE_REG_DST_LO:   p_dst[31:0] <= reg_wdata;
                    AGILIS_LANE_REG_DST_HI:   p_dst[63:32] <= reg_wdata;
                    AGILIS_LANE_REG_NONCE:        p_nonce[31:0] <= reg_wdata;
                    AGILIS_LANE_REG_NONCE + 8'd4: p_nonce[63:32] <= reg_wdata;
                    AGILIS_LANE_REG_NONCE + 8'd8: p_nonce[95:64] <= reg_wdata;
                    AGILIS_LANE_REG_NONCE + 8'd12: p_nonce[127:96] <= reg_wdata;
                    default: ;
                endcase
            end

            // DMA bookkeeping (every state: responses arrive whenever they do)
            rd_inflight <= rd_inflight + (ar_ack ? {1'b0, rlen_q} : 0) - ((r_valid && rd_inflight != 0) ? 1'b1 : 1'b0);
            if (ar_ack) begin
                if (rd_tag_pend) rd_tag_pend <= 1'b0;
                else begin
                    rd_left <= rd_left - rlen_q;
                    rd_addr <= rd_addr + {rlen_q, 4'd0};
                end
            end
            if (r_valid && r_resp != 2'b00 && state != S_IDLE) rd_err <= 1'b1;
            if (aw_ack) begin
                w_busy  <= 1'b1;
                wr_left <= wr_left - wlen_q;
                wr_addr <= wr_addr + {wlen_q, 4'd0};
            end
            if (w_end) w_busy <= 1'b0;
            b_out <= b_out + (aw_ack ? 1'b1 : 1'b0) - ((b_valid && b_out != 0) ? 1'b1 : 1'b0);
            if (b_valid && b_resp != 2'b00) wr_err <= 1'b1;

            // core feed: a beat into the queue
            if (feed_load) begin
                if (feeding_ad) begin
                    feed_ad <= feed_ad - 1'b1;
                    feed_more <= !(sec_last && feed_msg == 0);
                    // the AD's last beat leaves the message's first next
                    feeding_ad <= !sec_last;
                    sec_last <= sec_last ? (feed_msg == 1) : (feed_ad == 2);
                end else begin
                    feed_msg <= feed_msg - 1'b1;
                    feed_more <= !sec_last;
                    sec_last <= (feed_msg == 2);
                end
            end
            // The self-test compares each output beat with the known answer
            // in 16 byte-wide slices, registered, and clears st_ok from them
            // the cycle after; `done` comes at least a cycle after the last
            // beat, and the verdict at done also takes the slices compared
            // in that cycle.
            st_cmp_v <= st_out_beat;
            for (sb = 0; sb < 16; sb = sb + 1)
                st_cmp_diff[sb] <= (out_masked[8*sb +: 8] != st_expect[8*sb +: 8]);
            if (st_out_beat) st_oidx <= ~st_oidx;
            if (st_cmp_bad) st_ok <= 1'b0;
            if (st_mode) st_watchdog <= st_watchdog + 1'b1;

            case (state)
            S_IDLE: begin
                if (go_direct || ring_go) begin
                    state <= S_CHECK;
                    res_done <= 1'b0; res_tag_ok <= 1'b0; res_tag_fail <= 1'b0; job_err <= 8'd0;
                    cycles <= 32'd0;
                    rd_err <= 1'b0; wr_err <= 1'b0;
                    j_ring <= ring_go;
                    j_idx <= ring_idx;
                    if (go_direct) p_dec <= reg_wdata[AGILIS_LANE_CTRL_DECRYPT];
                    if (ring_go) begin
                        p_dec <= ring_dec; p_slot <= ring_slot; p_ad <= ring_ad_len; p_msg <= ring_msg_len;
                        p_src <= ring_src; p_dst <= ring_dst; p_nonce <= ring_nonce;
                    end
                end else if (st_go) begin
                    state <= S_ST_START;
                    st_mode <= 1'b1; st_phase <= 1'b0; st_ok <= 1'b1; st_pass <= 1'b0;
                    st_watchdog <= 12'd0;
                    rd_left <= {BW{1'b0}}; rd_tag_pend <= 1'b0; wr_left <= {BW{1'b0}};
                end
            end
            // The job's checks and counts are registered in S_CHECK and
            // acted on in S_PREP, so that neither is a long path.
            S_CHECK: begin
                chk_err     <= {e_len, e_slot, e_alg, e_align};
                chk_ad      <= ad_beats;
                chk_msg     <= msg_beats;
                chk_total   <= ad_beats + msg_beats;
                // (from the lengths: one beat is 1..16 bytes; a length past
                // MAX_LEN fails the job, so the counts' width does not matter)
                chk_ad_nz   <= (p_ad != 32'd0);
                chk_sec_one <= (p_ad != 32'd0) ? (p_ad <= 32'd16) : (p_msg != 32'd0 && p_msg <= 32'd16);
                state <= sr_abort ? S_IDLE : S_PREP;
            end
            S_PREP: begin
                if (sr_abort) state <= S_IDLE;
                else if (chk_err != 4'd0) begin
                    job_err[AGILIS_ERROR_BAD_LENGTH] <= chk_err[3];
                    job_err[AGILIS_ERROR_KEY_SLOT]   <= chk_err[2];
                    job_err[AGILIS_ERROR_KEY_ALG]    <= chk_err[1];
                    job_err[AGILIS_ERROR_MISALIGNED] <= chk_err[0];
                    state <= S_FIN;
                end else begin
                    rd_tag_pend <= p_dec;
                    rd_left     <= chk_total;
                    rd_addr     <= p_src;
                    rd_tag_addr <= p_src + {{(64-BW-4){1'b0}}, chk_total, 4'd0};
                    wr_left     <= chk_msg + (p_dec ? 1'b0 : 1'b1);
                    wr_addr     <= p_dst;
                    feed_ad     <= chk_ad;
                    feed_msg    <= chk_msg;
                    feed_more   <= (chk_total != 0);
                    feeding_ad  <= chk_ad_nz;
                    sec_last    <= chk_sec_one;
                    state <= S_TAG;
                end
            end
            S_TAG: begin
                if (!p_dec) state <= S_KEY;
                else if (!rf_empty) begin
                    tag_reg <= rf_dout;
                    state <= S_KEY;
                end
            end
            S_KEY: begin
                if (key_gnt) state <= S_RUN;
            end
            S_ST_START: begin
                p_dec <= st_phase; p_ad <= ST_AD_LEN; p_msg <= ST_MSG_LEN;
                p_nonce <= ST_NONCE; tag_reg <= ST_TAG;
                feed_ad <= 2; feed_msg <= 2; feed_more <= 1'b1; st_oidx <= 1'b0;
                feeding_ad <= 1'b1; sec_last <= 1'b0;
                state <= S_KEY;
            end
            S_RUN: begin
                if (core_done) begin
                    if (st_mode) begin
                        if (core_err || (st_phase ? !core_tag_ok : (core_tag_out != ST_TAG))) st_ok <= 1'b0;
                        if (!st_phase) begin
                            st_phase <= 1'b1;
                            state <= S_ST_START;
                        end else begin
                            // (with the beat compared in this cycle, if any)
                            st_pass <= st_ok && !st_cmp_bad && !core_err && core_tag_ok;
                            st_mode <= 1'b0;
                            state <= S_IDLE;
                        end
                    end else begin
                        res_tag_ok <= p_dec && core_tag_ok && !core_err;
                        res_tag_fail <= p_dec && !core_tag_ok && !core_err;
                        if (core_err) begin
                            job_err[AGILIS_ERROR_CORE] <= 1'b1;
                            state <= S_ABORT;
                        end else if (!p_dec) state <= S_TAGOUT;
                        else state <= S_DRAIN;
                    end
                end else if (st_mode && st_watchdog == 12'hFFF) begin
                    st_pass <= 1'b0;
                    st_mode <= 1'b0;
                    state <= S_IDLE;
                end
            end
            S_TAGOUT: begin
                if (!wf_full) state <= S_DRAIN;
            end
            S_DRAIN: begin
                if (wr_left == 0 && drained) state <= S_FIN;
            end
            S_ABORT: begin
                if (drained) state <= sr_abort ? S_IDLE : S_FIN;
            end
            S_FIN: begin
                err_set  <= job_err;
                lane_err <= lane_err | job_err;
                res_done <= 1'b1;
                if (job_err != 0) begin
                    res_tag_ok <= 1'b0;
                    res_tag_fail <= 1'b0;
                end
                fin_idx <= j_idx;
                fin_status <= 32'd0;
                fin_status[AGILIS_DSTAT_DONE] <= 1'b1;
                fin_status[AGILIS_DSTAT_TAG_OK] <= res_tag_ok && (job_err == 0);
                fin_status[AGILIS_DSTAT_TAG_FAIL] <= res_tag_fail && (job_err == 0);
                fin_status[AGILIS_DSTAT_ERROR] <= (job_err != 0);
                fin_status[AGILIS_DSTAT_JOB_ERROR_LSB +: 8] <= job_err;
                if (j_ring) state <= S_WAITACK;
                else begin
                    done_direct <= 1'b1;
                    state <= S_IDLE;
                end
            end
            S_WAITACK: begin
                if (fin_ack || sr_abort) state <= S_IDLE;
            end
            default: state <= S_IDLE;
            endcase

            // bus errors and soft reset end the job (S_ABORT drains the bus)
            if (dma_phase && !st_mode && (rd_err || wr_err || sr_abort)) begin
                if (rd_err) job_err[AGILIS_ERROR_BUS_READ] <= 1'b1;
                if (wr_err) job_err[AGILIS_ERROR_BUS_WRITE] <= 1'b1;
                state <= S_ABORT;
            end
            if (st_mode && sr_abort) begin
                st_mode <= 1'b0;
                state <= S_ABORT;
            end
        end
    end

    // ---- registered stages: DMA requests, core control, the input queue ---------
    wire cq_take  = cq_v0 && core_in_ready;
    wire cq_clear = (state == S_IDLE) || (state == S_CHECK) || (state == S_PREP) || (state == S_ABORT) || (state == S_ST_START);
    wire [15:0] feed_keep = sec_keep;
    always @(posedge clk) begin
        core_rst   <= rst || (state == S_ABORT) || (st_mode && st_watchdog == 12'hFFF);
        core_start <= !rst && (state == S_KEY) && key_gnt && !abort_now;
        out_ready_q <= !rst && (state == S_RUN) && (st_mode || wf_count <= DEPTH - 2);
        ar_req_q  <= !rst && ar_want && !ar_ack;
        rlen_q    <= rlen;
        ar_addr_q <= rd_tag_pend ? rd_tag_addr : rd_addr;
        aw_req_q  <= !rst && aw_want && !aw_ack;
        wlen_q    <= wlen;
        if (rst || cq_clear) begin
            cq_n <= 2'd0;
            cq_v0 <= 1'b0;
        end else begin
            // head: enabled by a take or a load into an empty queue; the new
            // beat when loading, else the second entry (in_ready only enables)
            if (cq_take || (feed_load && !cq_v0)) begin
                if (feed_load && (!cq_v0 || !cq_n[1])) begin
                    cq_d0 <= feed_data; cq_k0 <= feed_keep; cq_l0 <= sec_last;
                end else begin
                    cq_d0 <= cq_d1; cq_k0 <= cq_k1; cq_l0 <= cq_l1;
                end
            end
            if (feed_load && cq_n == 2'd1 && !cq_take) begin
                cq_d1 <= feed_data; cq_k1 <= feed_keep; cq_l1 <= sec_last;
            end
            cq_n  <= cq_n + (feed_load ? 2'd1 : 2'd0) - (cq_take ? 2'd1 : 2'd0);
            cq_v0 <= feed_load || cq_n[1] || (cq_n[0] && !cq_take);
        end
    end

    // ---- register reads (registered: the top's read stage) ------------------------
    wire show_tag = res_done && !p_dec && (job_err == 0);   // never the tag of a decrypt
    reg [31:0] rmux;
    always @(posedge clk) reg_rdata <= rmux;
    always @* begin
        rmux = 32'd0;
        case (reg_raddr)
            AGILIS_LANE_REG_CTRL: rmux[AGILIS_LANE_CTRL_DECRYPT] = p_dec;
            AGILIS_LANE_REG_STATUS: begin
                rmux[AGILIS_LANE_STATUS_BUSY] = busy;
                rmux[AGILIS_LANE_STATUS_DONE] = res_done;
                rmux[AGILIS_LANE_STATUS_TAG_OK] = res_done && res_tag_ok && (job_err == 0);
                rmux[AGILIS_LANE_STATUS_TAG_FAIL] = res_done && res_tag_fail && (job_err == 0);
                rmux[AGILIS_LANE_STATUS_ERROR] = res_done && (job_err != 0);
                rmux[AGILIS_LANE_STATUS_RING] = j_ring;
                rmux[AGILIS_LANE_STATUS_SELFTEST_PASS] = st_pass;
                rmux[AGILIS_LANE_STATUS_JOB_ERROR_LSB +: 8] = job_err;
            end
            AGILIS_LANE_REG_ERROR:    rmux = {24'd0, lane_err};
            AGILIS_LANE_REG_KEY_SLOT: rmux = {24'd0, p_slot};
            AGILIS_LANE_REG_AD_LEN:   rmux = p_ad;
            AGILIS_LANE_REG_MSG_LEN:  rmux = p_msg;
            AGILIS_LANE_REG_SRC_LO:   rmux = p_src[31:0];
            AGILIS_LANE_REG_SRC_HI:   rmux = p_src[63:32];
            AGILIS_LANE_REG_DST_LO:   rmux = p_dst[31:0];
            AGILIS_LANE_REG_DST_HI:   rmux = p_dst[63:32];
            AGILIS_LANE_REG_INFO: begin
                rmux[AGILIS_LANE_INFO_KIND] = (KIND == 1);
                rmux[AGILIS_LANE_INFO_ROUNDS_LSB +: 4] = (KIND == 1) ? 4'd0 : ROUNDS4;
            end
            AGILIS_LANE_REG_CYCLES:   rmux = cycles;
            AGILIS_LANE_REG_NONCE:          rmux = p_nonce[31:0];
            AGILIS_LANE_REG_NONCE + 8'd4:   rmux = p_nonce[63:32];
            AGILIS_LANE_REG_NONCE + 8'd8:   rmux = p_nonce[95:64];
            AGILIS_LANE_REG_NONCE + 8'd12:  rmux = p_nonce[127:96];
            AGILIS_LANE_REG_TAG:            rmux = show_tag ? core_tag_out[31:0] : 32'd0;
            AGILIS_LANE_REG_TAG + 8'd4:     rmux = show_tag ? core_tag_out[63:32] : 32'd0;
            AGILIS_LANE_REG_TAG + 8'd8:     rmux = show_tag ? core_tag_out[95:64] : 32'd0;
            AGILIS_LANE_REG_TAG + 8'd12:    rmux = show_tag ? core_tag_out[127:96] : 32'd0;
            default: ;
        endcase
    end
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on WIDTH */
