// C ABI over the Verilated agilis_top: its AXI4-Lite slave, AXI4 master and
// irq as two plain structs. Compiled once per top model with MODEL_CLASS /
// MODEL_HEADER / MODEL_API set by build.rs; src/top.rs drives it.
#include <cstdint>
#include <cstring>
#include "verilated.h"
#include MODEL_HEADER

extern "C" {
// Mirrors `TopInputs` / `TopOutputs` in src/top.rs (repr(C)).
struct TopInputs {
    uint32_t m_rdata[4];
    uint32_t s_wdata;
    uint16_t s_awaddr, s_araddr;
    uint8_t rst, s_awvalid, s_wstrb, s_wvalid, s_bready, s_arvalid, s_rready;
    uint8_t m_arready, m_rid, m_rresp, m_rlast, m_rvalid;
    uint8_t m_awready, m_wready, m_bid, m_bresp, m_bvalid;
    uint8_t pad[3];
};
struct TopOutputs {
    uint64_t m_araddr, m_awaddr;
    uint32_t m_wdata[4];
    uint32_t s_rdata;
    uint16_t m_wstrb;
    uint8_t s_awready, s_wready, s_bresp, s_bvalid, s_arready, s_rresp, s_rvalid;
    uint8_t m_arid, m_arlen, m_arsize, m_arburst, m_arvalid, m_rready;
    uint8_t m_awid, m_awlen, m_awsize, m_awburst, m_awvalid;
    uint8_t m_wlast, m_wvalid, m_bready, irq;
    uint8_t pad[7];
};
struct TopApi {
    uint32_t inputs_size, outputs_size;
    void* (*create)(void);
    void (*destroy)(void*);
    void (*eval)(void*, const TopInputs*, TopOutputs*);
    void (*tick)(void*);
};
}

#include "sim.h"

namespace {
void eval(void* p, const TopInputs* in, TopOutputs* out) {
    auto& t = static_cast<Sim*>(p)->top;
    t.rst = in->rst;
    t.s_axil_awaddr = in->s_awaddr;
    t.s_axil_awprot = 0;
    t.s_axil_awvalid = in->s_awvalid;
    t.s_axil_wdata = in->s_wdata;
    t.s_axil_wstrb = in->s_wstrb;
    t.s_axil_wvalid = in->s_wvalid;
    t.s_axil_bready = in->s_bready;
    t.s_axil_araddr = in->s_araddr;
    t.s_axil_arprot = 0;
    t.s_axil_arvalid = in->s_arvalid;
    t.s_axil_rready = in->s_rready;
    t.m_axi_arready = in->m_arready;
    t.m_axi_rid = in->m_rid;
    for (int i = 0; i < 4; i++) t.m_axi_rdata[i] = in->m_rdata[i];
    t.m_axi_rresp = in->m_rresp;
    t.m_axi_rlast = in->m_rlast;
    t.m_axi_rvalid = in->m_rvalid;
    t.m_axi_awready = in->m_awready;
    t.m_axi_wready = in->m_wready;
    t.m_axi_bid = in->m_bid;
    t.m_axi_bresp = in->m_bresp;
    t.m_axi_bvalid = in->m_bvalid;
    t.eval();
    std::memset(out, 0, sizeof *out);
    out->s_awready = t.s_axil_awready;
    out->s_wready = t.s_axil_wready;
    out->s_bresp = t.s_axil_bresp;
    out->s_bvalid = t.s_axil_bvalid;
    out->s_arready = t.s_axil_arready;
    out->s_rdata = t.s_axil_rdata;
    out->s_rresp = t.s_axil_rresp;
    out->s_rvalid = t.s_axil_rvalid;
    out->m_arid = t.m_axi_arid;
    out->m_araddr = t.m_axi_araddr;
    out->m_arlen = t.m_axi_arlen;
    out->m_arsize = t.m_axi_arsize;
    out->m_arburst = t.m_axi_arburst;
    out->m_arvalid = t.m_axi_arvalid;
    out->m_rready = t.m_axi_rready;
    out->m_awid = t.m_axi_awid;
    out->m_awaddr = t.m_axi_awaddr;
    out->m_awlen = t.m_axi_awlen;
    out->m_awsize = t.m_axi_awsize;
    out->m_awburst = t.m_axi_awburst;
    out->m_awvalid = t.m_axi_awvalid;
    for (int i = 0; i < 4; i++) out->m_wdata[i] = t.m_axi_wdata[i];
    out->m_wstrb = t.m_axi_wstrb;
    out->m_wlast = t.m_axi_wlast;
    out->m_wvalid = t.m_axi_wvalid;
    out->m_bready = t.m_axi_bready;
    out->irq = t.irq;
}
const TopApi api = {sizeof(TopInputs), sizeof(TopOutputs), create, destroy, eval, tick};
}  // namespace

extern "C" const void* MODEL_API(void) { return &api; }
