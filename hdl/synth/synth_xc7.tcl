# Yosys synthesis of one agilis core or top level for Xilinx 7-series
# (Artix-7): the figures of `bench-harness fpga` come from this script.
#
#   yosys -c hdl/synth/synth_xc7.tcl          (run by `bench-harness fpga`)
#
# Inputs, from the environment (Yosys's Tcl has no argv of its own):
#   AGILIS_SYNTH_TOP     top module, e.g. ascon_aead128
#   AGILIS_SYNTH_FILES   Verilog files, separated by spaces (no spaces in paths)
#   AGILIS_SYNTH_PARAMS  optional "NAME=VALUE NAME=VALUE" for the top's parameters
#   AGILIS_SYNTH_ABC9    optional; 1 adds -abc9 (Yosys's timing-driven ABC9 LUT
#                        mapping, "experimental" in 0.23); `bench-harness fpga`
#                        uses it unless --flow abc
#   AGILIS_SYNTH_OUT     output directory; it receives
#                          stat.txt     `stat` of the mapped, flattened netlist
#                          netlist.json `write_json` of the same netlist (the
#                                       logic-depth analysis reads this)
#
# The flow is plain `synth_xilinx -family xc7`, flattened so that one module
# holds the whole design (modules the RTL marks keep_hierarchy are mapped on
# their own first, then flattened after mapping), out of context: no I/O buffers (-noiopad) and no
# clock buffer (-noclkbuf), because the core sits inside the lane array and the
# board wrapper, never on pins.

yosys -import

proc need {name} {
    if {![info exists ::env($name)] || $::env($name) eq ""} {
        error "synth_xc7.tcl: environment variable $name is not set"
    }
    return $::env($name)
}

set top   [need AGILIS_SYNTH_TOP]
set files [need AGILIS_SYNTH_FILES]
set out   [need AGILIS_SYNTH_OUT]
set params ""
if {[info exists ::env(AGILIS_SYNTH_PARAMS)]} { set params $::env(AGILIS_SYNTH_PARAMS) }

file mkdir $out
foreach f $files {
    read_verilog -defer -I [file dirname $f] $f
}
foreach kv $params {
    set eq [string first "=" $kv]
    if {$eq < 1} { error "synth_xc7.tcl: bad parameter '$kv' (want NAME=VALUE)" }
    chparam -set [string range $kv 0 [expr {$eq - 1}]] [string range $kv [expr {$eq + 1}] end] $top
}
# the Xilinx primitives some cells instantiate (LUT6_2, LUT6): known to
# hierarchy -check before synth_xilinx reads them itself
read_verilog -lib -specify +/xilinx/cells_sim.v
hierarchy -check -top $top
set abc9 {}
if {[info exists ::env(AGILIS_SYNTH_ABC9)] && $::env(AGILIS_SYNTH_ABC9) eq "1"} { set abc9 -abc9 }
synth_xilinx -family xc7 -top $top -flatten -noiopad -noclkbuf {*}$abc9
# Modules marked (* keep_hierarchy *) were mapped on their own; flatten the
# mapped netlist so that `stat` and the depth analysis see one module.
setattr -mod -unset keep_hierarchy
flatten
tee -q -o [file join $out stat.txt] stat
write_json [file join $out netlist.json]
