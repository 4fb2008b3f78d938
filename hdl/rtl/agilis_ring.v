// The descriptor ring engine.
//
// Fetch side: while enabled and RING_PROD is ahead of RING_FETCH (and fewer
// than 2^WIN_LOG2 descriptors are in flight), read descriptor RING_FETCH
// (64 bytes, one 4-beat burst), decode it, and hand it to an idle lane of the
// kind its key slot's algorithm needs, strictly in ring order (the head waits
// for a free lane). A descriptor that cannot run (read error, key slot empty
// or out of range, no lane of that kind) is completed at once with an error.
//
// Completion side: each finished job (a lane's fin_valid, or an immediate
// error) gets its STATUS word written (a 4-byte write, WSTRB on those bytes);
// once the write is acknowledged its bit in the completion window is set and
// the lane released. RING_CONS advances over completed descriptors in ring
// order, so that every descriptor below RING_CONS has its status in memory.
// Widths follow Verilog's rules on purpose (zero-extension against the register
// map's sized constants and the 32-bit parameters); unused bits are unused.
/* verilator lint_off WIDTH */
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module agilis_ring #(
    parameter integer N_LANES = 4,
    parameter [15:0]  LANE_AES_MASK = 16'h0,
    parameter integer KEY_SLOTS = 16,
    parameter integer WIN_LOG2 = 3
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    sr_abort,
    input  wire                    start,       // pulse: the ring was enabled (indices to 0)
    input  wire                    en,
    input  wire [63:0]             base,
    input  wire [31:0]             size,
    input  wire [31:0]             prod,
    output reg  [31:0]             cons,
    output reg  [31:0]             fetch,
    output wire                    active,
    output wire                    quiet,       // no descriptor fetch or status write under way
    output reg                     fault,       // pulse: RING_PROD overran the ring
    output reg  [7:0]              err_set,     // job error bits (pulse)
    output reg                     cons_adv,    // pulse
    // key slot table
    input  wire [KEY_SLOTS-1:0]    slot_loaded,
    input  wire [2*KEY_SLOTS-1:0]  slot_alg,
    // lanes
    input  wire [N_LANES-1:0]      lane_idle,
    output wire [N_LANES-1:0]      go,
    output wire                    job_dec,
    output wire [7:0]              job_slot,
    output wire [31:0]             job_ad_len,
    output wire [31:0]             job_msg_len,
    output wire [63:0]             job_src,
    output wire [63:0]             job_dst,
    output wire [127:0]            job_nonce,
    output wire [31:0]             job_idx,
    input  wire [N_LANES-1:0]      fin_valid,
    input  wire [N_LANES*32-1:0]   fin_idx,
    input  wire [N_LANES*32-1:0]   fin_status,
    output wire [N_LANES-1:0]      fin_ack,
    // DMA requester
    output wire                    ar_req,
    output wire [63:0]             ar_addr,
    output wire [7:0]              ar_len,
    input  wire                    ar_ack,
    input  wire                    r_valid,
    input  wire [127:0]            r_data,
    input  wire [1:0]              r_resp,
    output wire                    aw_req,
    output wire [63:0]             aw_addr,
    output wire [7:0]              aw_len,
    input  wire                    aw_ack,
    output wire [127:0]            w_data,
    output wire [15:0]             w_strb,
    input  wire                    w_pop,
    input  wire                    w_end,
    input  wire                    b_valid,
    input  wire [1:0]              b_resp
);
`include "agilis_regmap.vh"

    localparam integer WIN = 1 << WIN_LOG2;
    localparam integer LW = (N_LANES > 1) ? $clog2(N_LANES) : 1;
    localparam integer SW = (KEY_SLOTS > 1) ? $clog2(KEY_SLOTS) : 1;
    localparam integer DBEATS = AGILIS_DESC_BYTES / 16;
    localparam integer ST_BEAT = AGILIS_DESC_STATUS_OFF / 16;      // beat holding STATUS
    localparam integer ST_BYTE = AGILIS_DESC_STATUS_OFF % 16;      // its first byte in that beat
    localparam [N_LANES-1:0] AES_LANES   = LANE_AES_MASK[N_LANES-1:0];
    localparam [N_LANES-1:0] ASCON_LANES = ~LANE_AES_MASK[N_LANES-1:0];

    // ---- fetch side ------------------------------------------------------------
    localparam [2:0] F_IDLE = 3'd0, F_AR = 3'd1, F_DATA = 3'd2, F_DECODE = 3'd3, F_DISPATCH = 3'd4,
                     F_PRE = 3'd5;     // F_PRE: one cycle for d_slot_ok_q / kind_q to follow dbuf
    reg [2:0]   fstate;
    reg [AGILIS_DESC_BYTES*8-1:0] dbuf;
    reg [7:0]   bcnt;
    reg         rerr;
    reg [N_LANES-1:0] kind_lanes;

    wire [31:0] in_flight = fetch - cons;
    wire [31:0] posted    = prod - cons;
    wire [31:0] mask      = size - 1'b1;
    function [63:0] slot_addr(input [31:0] i);
        slot_addr = base + ({32'd0, i & mask} * AGILIS_DESC_BYTES);
    endfunction

    assign job_dec     = dbuf[8*AGILIS_DESC_FLAGS_OFF];
    assign job_slot    = dbuf[8*AGILIS_DESC_KEY_SLOT_OFF +: 8];
    assign job_ad_len  = dbuf[8*AGILIS_DESC_AD_LEN_OFF +: 32];
    assign job_msg_len = dbuf[8*AGILIS_DESC_MSG_LEN_OFF +: 32];
    assign job_src     = dbuf[8*AGILIS_DESC_SRC_OFF +: 64];
    assign job_dst     = dbuf[8*AGILIS_DESC_DST_OFF +: 64];
    assign job_nonce   = dbuf[8*AGILIS_DESC_NONCE_OFF +: 128];
    // job_idx and go are registered (the dispatch decision, a cycle later);
    // dbuf holds the job's fields until the next descriptor is read.
    reg [N_LANES-1:0] go_q;
    reg [31:0]  go_idx;
    assign job_idx     = go_idx;

    wire [(1<<SW)-1:0]   loaded_pad = {{((1<<SW)-KEY_SLOTS){1'b0}}, slot_loaded};
    wire [2*(1<<SW)-1:0] alg_pad    = {{(2*((1<<SW)-KEY_SLOTS)){1'b0}}, slot_alg};
    wire       d_slot_ok = (job_slot < KEY_SLOTS) && loaded_pad[job_slot[SW-1:0]];
    wire [1:0] d_alg     = alg_pad[2*job_slot[SW-1:0] +: 2];
    always @* begin
        if (d_alg == AGILIS_KEY_ALG_ASCON_AEAD128) kind_lanes = ASCON_LANES;
        else if (d_alg == AGILIS_KEY_ALG_AES_256_GCM) kind_lanes = AES_LANES;
        else kind_lanes = {N_LANES{1'b0}};
    end
    reg  [N_LANES-1:0] kind_q;      // kind_lanes of the descriptor, registered
    reg                d_slot_ok_q;
    // The idle lanes of the descriptor's kind, registered: F_DISPATCH comes
    // at least a cycle after F_DECODE and after any earlier dispatch, so the
    // register is current then (no lane turns busy but by the ring's go).
    reg  [N_LANES-1:0] cand;
    wire [N_LANES-1:0] cand_first;                              // lowest set bit
    /* verilator lint_off PINCONNECTEMPTY */
    agilis_first_one #(.W(N_LANES)) u_first (.v(cand), .y(cand_first), .below());
    /* verilator lint_on PINCONNECTEMPTY */
    assign go = go_q;

    // descriptor addresses, registered: fetch is stable for a cycle before F_AR
    reg [63:0] fetch_addr, stat_addr;
    assign ar_req  = (fstate == F_AR) && !sr_abort;   // never loaded by the DMA in a cycle that may leave F_AR
    assign ar_addr = fetch_addr;
    assign ar_len  = DBEATS - 1;

    // immediate completions (descriptors that never reach a lane)
    reg         imm_valid;
    reg [31:0]  imm_idx, imm_status;

    reg [WIN-1:0] done_bits;

    // ---- completion side --------------------------------------------------------
    // C_ADDR: one cycle for stat_addr to follow c_idx
    localparam [2:0] C_IDLE = 3'd0, C_AW = 3'd1, C_W = 3'd2, C_B = 3'd3, C_ADDR = 3'd4;
    reg [2:0]   cstate;
    reg         c_imm;
    reg [LW-1:0] c_lane;
    reg [31:0]  c_idx, c_status;
    reg         c_found;
    reg [LW-1:0] c_pick;
    integer i, bi;
    always @* begin
        c_found = 1'b0;
        c_pick = {LW{1'b0}};
        for (i = N_LANES - 1; i >= 0; i = i - 1)
            if (fin_valid[i]) begin c_found = 1'b1; c_pick = i; end
    end

    assign aw_req  = (cstate == C_AW) && !sr_abort;
    assign aw_addr = stat_addr;
    assign aw_len  = 8'd0;
    assign w_data  = {96'd0, c_status} << (8 * ST_BYTE);
    assign w_strb  = 16'h000F << ST_BYTE;
    assign fin_ack = (cstate == C_B && b_valid && !c_imm) ? ({{(N_LANES-1){1'b0}}, 1'b1} << c_lane) : {N_LANES{1'b0}};

    assign quiet  = (fstate == F_IDLE) && (cstate == C_IDLE) && (go_q == {N_LANES{1'b0}});
    reg active_q;     // registered: falls a cycle late, rises with en (a register of the top)
    assign active = en || active_q;

    always @(posedge clk) begin
        fetch_addr <= slot_addr(fetch);
        kind_q     <= kind_lanes;
        cand       <= lane_idle & kind_q;
        d_slot_ok_q <= d_slot_ok;
        stat_addr  <= slot_addr(c_idx) + ST_BEAT * 16;
        active_q   <= !rst && (en || (fetch != cons) || !quiet || imm_valid);
        go_q       <= (!rst && fstate == F_DISPATCH && !sr_abort) ? cand_first : {N_LANES{1'b0}};
        if (fstate == F_DISPATCH) go_idx <= fetch;
    end

    always @(posedge clk) begin
        if (rst) begin
            fstate <= F_IDLE; cstate <= C_IDLE;
            cons <= 32'd0; fetch <= 32'd0; dbuf <= 0; bcnt <= 8'd0; rerr <= 1'b0;
            imm_valid <= 1'b0; imm_idx <= 32'd0; imm_status <= 32'd0;
            done_bits <= {WIN{1'b0}};
            c_imm <= 1'b0; c_lane <= {LW{1'b0}}; c_idx <= 32'd0; c_status <= 32'd0;
            fault <= 1'b0; err_set <= 8'd0; cons_adv <= 1'b0;
        end else begin
            fault <= 1'b0;
            err_set <= 8'd0;
            cons_adv <= 1'b0;

            if (start) begin
                fetch <= 32'd0;
                cons <= 32'd0;
                done_bits <= {WIN{1'b0}};
            end else if (done_bits[cons[WIN_LOG2-1:0]]) begin
                done_bits[cons[WIN_LOG2-1:0]] <= 1'b0;
                cons <= cons + 1'b1;
                cons_adv <= 1'b1;
            end
            if (en && !start && posted > size) fault <= 1'b1;

            case (fstate)
            F_IDLE:
                if (en && !start && !sr_abort && fetch != prod && posted <= size &&
                    in_flight < WIN && !imm_valid)
                    fstate <= F_AR;
            F_AR:
                if (ar_ack) begin fstate <= F_DATA; bcnt <= 8'd0; rerr <= 1'b0; end
                else if (sr_abort) fstate <= F_IDLE;
            F_DATA:
                if (r_valid) begin
                    for (bi = 0; bi < DBEATS; bi = bi + 1)
                        if (bcnt == bi) dbuf[bi*128 +: 128] <= r_data;
                    if (r_resp != 2'b00) rerr <= 1'b1;
                    bcnt <= bcnt + 1'b1;
                    if (bcnt == DBEATS - 1) fstate <= F_PRE;
                end
            F_PRE:
                if (sr_abort) fstate <= F_IDLE;
                else fstate <= F_DECODE;
            F_DECODE:
                if (sr_abort) fstate <= F_IDLE;
                else if (rerr || !d_slot_ok_q || kind_q == 0) begin
                    imm_valid <= 1'b1;
                    imm_idx <= fetch;
                    imm_status <= 32'd0;
                    imm_status[AGILIS_DSTAT_DONE] <= 1'b1;
                    imm_status[AGILIS_DSTAT_ERROR] <= 1'b1;
                    if (rerr) begin
                        imm_status[AGILIS_DSTAT_JOB_ERROR_LSB + AGILIS_ERROR_BUS_READ] <= 1'b1;
                        err_set[AGILIS_ERROR_BUS_READ] <= 1'b1;
                    end else if (!d_slot_ok_q) begin
                        imm_status[AGILIS_DSTAT_JOB_ERROR_LSB + AGILIS_ERROR_KEY_SLOT] <= 1'b1;
                        err_set[AGILIS_ERROR_KEY_SLOT] <= 1'b1;
                    end else begin
                        imm_status[AGILIS_DSTAT_JOB_ERROR_LSB + AGILIS_ERROR_KEY_ALG] <= 1'b1;
                        err_set[AGILIS_ERROR_KEY_ALG] <= 1'b1;
                    end
                    fetch <= fetch + 1'b1;
                    fstate <= F_IDLE;
                end else fstate <= F_DISPATCH;
            F_DISPATCH:
                if (sr_abort) fstate <= F_IDLE;
                else if (cand != 0) begin
                    fetch <= fetch + 1'b1;
                    fstate <= F_IDLE;
                end
            default: fstate <= F_IDLE;
            endcase

            case (cstate)
            C_IDLE:
                if (!sr_abort) begin
                    if (imm_valid) begin
                        cstate <= C_ADDR; c_imm <= 1'b1; c_idx <= imm_idx; c_status <= imm_status;
                    end else if (c_found) begin
                        cstate <= C_ADDR; c_imm <= 1'b0; c_lane <= c_pick;
                        c_idx <= fin_idx[c_pick*32 +: 32];
                        c_status <= fin_status[c_pick*32 +: 32] | ({28'd0, c_pick} << AGILIS_DSTAT_LANE_LSB);
                    end
                end
            C_ADDR:
                if (sr_abort) cstate <= C_IDLE;
                else cstate <= C_AW;
            C_AW:
                if (aw_ack) cstate <= w_end ? C_B : C_W;    // a one-beat burst may end with its acknowledgement
                else if (sr_abort) cstate <= C_IDLE;
            C_W:
                if (w_end) cstate <= C_B;
            C_B:
                if (b_valid) begin
                    if (b_resp != 2'b00) err_set[AGILIS_ERROR_BUS_WRITE] <= 1'b1;
                    done_bits[c_idx[WIN_LOG2-1:0]] <= 1'b1;
                    if (c_imm) imm_valid <= 1'b0;
                    cstate <= C_IDLE;
                end
            default: cstate <= C_IDLE;
            endcase
        end
    end
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
/* verilator lint_on WIDTH */
