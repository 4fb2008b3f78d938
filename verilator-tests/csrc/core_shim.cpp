// C ABI over one Verilated AEAD core (the hdl/README.md core contract).
// Compiled once per model with MODEL_CLASS / MODEL_HEADER / MODEL_API set by
// build.rs; Rust sees each model as a table of four functions.
#include <cstdint>
#include <cstring>
#include "verilated.h"
#include MODEL_HEADER

extern "C" {
// Mirrors `CoreInputs` / `CoreOutputs` in src/core.rs (repr(C)).
struct CoreInputs {
    uint32_t key[8], nonce[4], tag_in[4], in_data[4];
    uint32_t ad_len, msg_len, in_keep;
    uint8_t rst, start, decrypt, in_valid, in_last, out_ready, pad[2];
};
struct CoreOutputs {
    uint32_t out_data[4], tag_out[4];
    uint32_t out_keep;
    uint8_t busy, in_ready, out_valid, out_last, done, tag_ok, err, pad;
};
struct CoreApi {
    void* (*create)(void);
    void (*destroy)(void*);
    void (*eval)(void*, const CoreInputs*, CoreOutputs*);
    void (*tick)(void*);
};
}

#include "sim.h"

namespace {
void eval(void* p, const CoreInputs* in, CoreOutputs* out) {
    auto& t = static_cast<Sim*>(p)->top;
    put(t.key, in->key);
    put(t.nonce, in->nonce);
    put(t.tag_in, in->tag_in);
    put(t.in_data, in->in_data);
    t.ad_len = in->ad_len;
    t.msg_len = in->msg_len;
    t.in_keep = in->in_keep;
    t.rst = in->rst;
    t.start = in->start;
    t.decrypt = in->decrypt;
    t.in_valid = in->in_valid;
    t.in_last = in->in_last;
    t.out_ready = in->out_ready;
    t.eval();
    std::memset(out, 0, sizeof *out);
    get(t.out_data, out->out_data);
    get(t.tag_out, out->tag_out);
    out->out_keep = t.out_keep;
    out->busy = t.busy;
    out->in_ready = t.in_ready;
    out->out_valid = t.out_valid;
    out->out_last = t.out_last;
    out->done = t.done;
    out->tag_ok = t.tag_ok;
    out->err = t.err;
}
const CoreApi api = {create, destroy, eval, tick};
}  // namespace

extern "C" const void* MODEL_API(void) { return &api; }
