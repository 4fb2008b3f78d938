// What every shim shares: the model with its context, its life cycle, one
// clock edge, and copying wide ports from and to 32-bit words (little-endian:
// word i holds bits 32i..32i+31). Included by each shim after MODEL_HEADER,
// inside nothing: it opens its own anonymous namespace.
#pragma once
#include <cstddef>
#include <cstdint>
#include "verilated.h"

namespace {
struct Sim {
    VerilatedContext ctx;
    MODEL_CLASS top{&ctx};
};

// Starts in reset with the clock low.
void* create() {
    Sim* s = new Sim;
    s->top.clk = 0;
    s->top.rst = 1;
    s->top.eval();
    return s;
}
void destroy(void* p) {
    Sim* s = static_cast<Sim*>(p);
    s->top.final();
    delete s;
}
// One rising edge, then the clock low again.
void tick(void* p) {
    auto& t = static_cast<Sim*>(p)->top;
    t.clk = 1;
    t.eval();
    t.clk = 0;
    t.eval();
}

template <typename T> [[maybe_unused]] void put(T& port, const uint32_t* w) { port = static_cast<T>(w[0]); }
[[maybe_unused]] void put(QData& port, const uint32_t* w) { port = (QData)w[0] | ((QData)w[1] << 32); }
template <std::size_t N> [[maybe_unused]] void put(VlWide<N>& port, const uint32_t* w) {
    for (std::size_t i = 0; i < N; i++) port[i] = w[i];
}
template <typename T> [[maybe_unused]] void get(const T& port, uint32_t* w) { w[0] = (uint32_t)port; }
[[maybe_unused]] void get(const QData& port, uint32_t* w) { w[0] = (uint32_t)port; w[1] = (uint32_t)(port >> 32); }
template <std::size_t N> [[maybe_unused]] void get(const VlWide<N>& port, uint32_t* w) {
    for (std::size_t i = 0; i < N; i++) w[i] = port[i];
}
}  // namespace
