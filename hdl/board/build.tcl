# Vivado non-project batch build of agilis for an Artix-7 PCIe lab card.
#
#   vivado -mode batch -nojournal -source hdl/board/build.tcl \
#          -tclargs [BOARD] [NAME=VALUE ...]
#
# Run from the repository root. BOARD defaults to litefury (hdl/board/litefury/).
# NAME=VALUE settings (all optional):
#   N_LANES=8                  lanes of agilis_top (1..16)
#   LANE_AES_MASK=0x0000       lane i is AES-256-GCM when bit i is set
#   ASCON_ROUNDS_PER_CYCLE=2   1, 2 or 4
#   CORE_CLK_MULT=8            core clock = 125 MHz x MULT / DIVIDE
#   CORE_CLK_DIVIDE=8            (MMCM VCO = 125 MHz x MULT: keep 600..1200 MHz)
#   PART=<part>                override the board's part
#   OUT=build/<board>          output directory
#   JOBS=4                     Vivado threads
#   DIRECTIVE=Default          Default, Explore or ExtraTimingOpt: the effort of
#                                place/phys_opt/route (docs/lab-card.md, timing)
#   ALLOW_TIMING_FAIL=0        1: write the bitstream even if timing fails
#
# Outputs in OUT: agilis_<board>.bit (JTAG), .bin and .mcs (SPI flash),
# timing_summary.rpt, utilization.rpt, utilization_hier.rpt, clocks.rpt,
# drc.rpt, post_route.dcp, build_info.txt, ip/ (the generated IP, with each
# IP's <name>_stub.v). The exit status is 0 on success, 2 when timing fails
# (no bitstream unless ALLOW_TIMING_FAIL=1), 1 on any other error.
#
# Written for Vivado 2023.2 (axi_pcie 2.9); any release that ships axi_pcie
# 2.9 and the 2.1 AXI infrastructure IPs should do. See docs/lab-card.md.

set repo [file normalize [file join [file dirname [info script]] .. ..]]

# ---- arguments ------------------------------------------------------------------------
set board litefury
set opts [dict create N_LANES 8 LANE_AES_MASK 0x0000 ASCON_ROUNDS_PER_CYCLE 2 \
    CORE_CLK_MULT 8 CORE_CLK_DIVIDE 8 PART "" OUT "" JOBS 4 DIRECTIVE Default ALLOW_TIMING_FAIL 0]
foreach arg $argv {
    if {[regexp {^([A-Z_]+)=(.*)$} $arg -> k v]} {
        if {![dict exists $opts $k]} { error "build.tcl: unknown setting $k (see the header of this script)" }
        dict set opts $k $v
    } else {
        set board $arg
    }
}
set board_dir [file join $repo hdl board $board]
if {![file exists [file join $board_dir board.tcl]]} { error "build.tcl: no board description $board_dir/board.tcl" }
source [file join $board_dir board.tcl]

set part [expr {[dict get $opts PART] ne "" ? [dict get $opts PART] : $board_part}]
set out  [expr {[dict get $opts OUT] ne "" ? [file normalize [dict get $opts OUT]] : [file join $repo build $board]}]
set name agilis_$board
set mult [dict get $opts CORE_CLK_MULT]
set div  [dict get $opts CORE_CLK_DIVIDE]
if {125.0 * $mult < 600.0 || 125.0 * $mult > 1200.0} { error "build.tcl: MMCM VCO 125 MHz x $mult is outside 600..1200 MHz" }
set core_mhz [expr {125.0 * $mult / $div}]
file mkdir $out
set_param general.maxThreads [dict get $opts JOBS]
puts "agilis: board $board, part $part, core clock [format %.2f $core_mhz] MHz, N_LANES [dict get $opts N_LANES], LANE_AES_MASK [dict get $opts LANE_AES_MASK], ASCON_ROUNDS_PER_CYCLE [dict get $opts ASCON_ROUNDS_PER_CYCLE]"

create_project -in_memory -part $part
set_property target_language Verilog [current_project]

# ---- IP ---------------------------------------------------------------------------------
set ipdir [file join $out ip]
file delete -force $ipdir
file mkdir $ipdir

# The bridge: AXI Memory Mapped to PCI Express (PG055), endpoint, Gen2 x4,
# 128-bit AXI at 125 MHz. BAR0 (64 KiB, 32-bit, non-prefetchable) maps onto
# AXI address 0, where the wrapper decodes agilis_top's registers
# (hdl/regmap.toml: bar_bytes = 0x10000). One AXI BAR on the slave side:
# AXI 0x0000_0000..0xFFFF_FFFF -> PCIe 0x0..0xFFFF_FFFF, untranslated (the
# driver keeps DMA IOVAs below 4 GiB). One MSI vector; no legacy INTx.
create_ip -vlnv xilinx.com:ip:axi_pcie:2.9 -module_name agilis_pcie_bridge -dir $ipdir
set_property -dict [list \
    CONFIG.INCLUDE_RC                  {PCI_Express_Endpoint_device} \
    CONFIG.PCIE_BLK_LOCN               $board_pcie_blk \
    CONFIG.NO_OF_LANES                 {X4} \
    CONFIG.MAX_LINK_SPEED              {5.0_GT/s} \
    CONFIG.REF_CLK_FREQ                {100_MHz} \
    CONFIG.S_AXI_DATA_WIDTH            {128} \
    CONFIG.M_AXI_DATA_WIDTH            {128} \
    CONFIG.S_AXI_ADDR_WIDTH            {32} \
    CONFIG.M_AXI_ADDR_WIDTH            {32} \
    CONFIG.S_AXI_ID_WIDTH              {4} \
    CONFIG.S_AXI_SUPPORTS_NARROW_BURST {false} \
    CONFIG.VENDOR_ID                   {0x10EE} \
    CONFIG.DEVICE_ID                   {0x7024} \
    CONFIG.SUBSYSTEM_VENDOR_ID         {0x10EE} \
    CONFIG.SUBSYSTEM_ID                {0x4147} \
    CONFIG.REV_ID                      {0x01} \
    CONFIG.ENABLE_CLASS_CODE           {false} \
    CONFIG.CLASS_CODE                  {0x108000} \
    CONFIG.BAR0_ENABLED                {true} \
    CONFIG.BAR0_TYPE                   {Memory} \
    CONFIG.BAR_64BIT                   {false} \
    CONFIG.BAR0_SCALE                  {Kilobytes} \
    CONFIG.BAR0_SIZE                   {64} \
    CONFIG.PCIEBAR2AXIBAR_0            {0x00000000} \
    CONFIG.BAR1_ENABLED                {false} \
    CONFIG.BAR2_ENABLED                {false} \
    CONFIG.AXIBAR_NUM                  {1} \
    CONFIG.AXIBAR_AS_0                 {true} \
    CONFIG.AXIBAR_0                    {0x00000000} \
    CONFIG.AXIBAR_HIGHADDR_0           {0xFFFFFFFF} \
    CONFIG.AXIBAR2PCIEBAR_0            {0x0000000000000000} \
    CONFIG.INCLUDE_BAROFFSET_REG       {false} \
    CONFIG.INTERRUPT_PIN               {false} \
    CONFIG.NUM_MSI_REQ                 {0} \
    CONFIG.COMP_TIMEOUT                {50ms} \
    CONFIG.shared_logic_in_core        {false} \
] [get_ips agilis_pcie_bridge]

# BAR0 path: 128-bit AXI4 -> 32-bit AXI4 -> AXI4-Lite -> core clock.
create_ip -vlnv xilinx.com:ip:axi_dwidth_converter:2.1 -module_name agilis_regs_dwidth -dir $ipdir
set_property -dict [list \
    CONFIG.PROTOCOL        {AXI4} \
    CONFIG.READ_WRITE_MODE {READ_WRITE} \
    CONFIG.ADDR_WIDTH      {32} \
    CONFIG.SI_DATA_WIDTH   {128} \
    CONFIG.MI_DATA_WIDTH   {32} \
    CONFIG.SI_ID_WIDTH     {0} \
] [get_ips agilis_regs_dwidth]

create_ip -vlnv xilinx.com:ip:axi_protocol_converter:2.1 -module_name agilis_regs_axil -dir $ipdir
set_property -dict [list \
    CONFIG.SI_PROTOCOL      {AXI4} \
    CONFIG.MI_PROTOCOL      {AXI4LITE} \
    CONFIG.READ_WRITE_MODE  {READ_WRITE} \
    CONFIG.DATA_WIDTH       {32} \
    CONFIG.ADDR_WIDTH       {32} \
    CONFIG.ID_WIDTH         {0} \
    CONFIG.TRANSLATION_MODE {2} \
] [get_ips agilis_regs_axil]

create_ip -vlnv xilinx.com:ip:axi_clock_converter:2.1 -module_name agilis_regs_cc -dir $ipdir
set_property -dict [list \
    CONFIG.PROTOCOL               {AXI4LITE} \
    CONFIG.DATA_WIDTH             {32} \
    CONFIG.ADDR_WIDTH             {32} \
    CONFIG.ACLK_ASYNC             {1} \
    CONFIG.SYNCHRONIZATION_STAGES {3} \
] [get_ips agilis_regs_cc]

# DMA path: agilis_top's 128-bit AXI4 master, core clock -> bridge clock.
create_ip -vlnv xilinx.com:ip:axi_clock_converter:2.1 -module_name agilis_dma_cc -dir $ipdir
set_property -dict [list \
    CONFIG.PROTOCOL               {AXI4} \
    CONFIG.DATA_WIDTH             {128} \
    CONFIG.ADDR_WIDTH             {32} \
    CONFIG.ID_WIDTH               {4} \
    CONFIG.ACLK_ASYNC             {1} \
    CONFIG.SYNCHRONIZATION_STAGES {3} \
] [get_ips agilis_dma_cc]

set ips [get_ips {agilis_pcie_bridge agilis_regs_dwidth agilis_regs_axil agilis_regs_cc agilis_dma_cc}]
generate_target all $ips
synth_ip $ips

# ---- sources ----------------------------------------------------------------------------
set rtl [lsort [glob -directory [file join $repo hdl rtl] *.v]]
read_verilog $rtl
read_verilog $board_sources
read_xdc $board_xdc

set generics [list \
    N_LANES=[dict get $opts N_LANES] \
    LANE_AES_MASK=[dict get $opts LANE_AES_MASK] \
    ASCON_ROUNDS_PER_CYCLE=[dict get $opts ASCON_ROUNDS_PER_CYCLE] \
    CORE_CLK_MULT=$mult \
    CORE_CLK_DIVIDE=$div]
# LANE_AES_MASK in Vivado's generic syntax (16'hXXXX).
set mask [dict get $opts LANE_AES_MASK]
set generics [lreplace $generics 1 1 [format "LANE_AES_MASK=16'h%04X" [expr {$mask}]]]

# ---- synthesis and implementation ----------------------------------------------------------
synth_design -top $board_top -part $part -include_dirs [list [file join $repo hdl rtl]] -generic $generics
board_post_synth
report_utilization -file [file join $out utilization_synth.rpt]
set directive [dict get $opts DIRECTIVE]
if {$directive ni {Default Explore ExtraTimingOpt}} { error "build.tcl: DIRECTIVE must be Default, Explore or ExtraTimingOpt" }
opt_design
place_design -directive $directive
phys_opt_design -directive [expr {$directive eq "ExtraTimingOpt" ? "AggressiveExplore" : $directive}]
route_design -directive [expr {$directive eq "ExtraTimingOpt" ? "AggressiveExplore" : $directive}]
if {[get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -setup]] < 0} {
    # One more physical optimization pass after routing often recovers a few
    # tens of picoseconds.
    phys_opt_design -directive AggressiveExplore
}
write_checkpoint -force [file join $out post_route.dcp]

report_timing_summary -max_paths 20 -report_unconstrained -file [file join $out timing_summary.rpt]
report_utilization -file [file join $out utilization.rpt]
report_utilization -hierarchical -hierarchical_depth 4 -file [file join $out utilization_hier.rpt]
report_clock_utilization -file [file join $out clocks.rpt]
report_drc -file [file join $out drc.rpt]

set wns [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -setup]]
set whs [get_property SLACK [get_timing_paths -max_paths 1 -nworst 1 -hold]]
set info [open [file join $out build_info.txt] w]
puts $info "board $board\npart $part\ncore_clock_mhz [format %.3f $core_mhz]"
puts $info "generics $generics\nwns_ns $wns\nwhs_ns $whs\nvivado [version -short]"
close $info
puts "agilis: WNS $wns ns, WHS $whs ns (reports in $out)"

if {$wns eq "" || $wns < 0 || $whs < 0} {
    puts "agilis: TIMING FAILED (WNS $wns ns, WHS $whs ns): see $out/timing_summary.rpt and docs/lab-card.md"
    if {![dict get $opts ALLOW_TIMING_FAIL]} { exit 2 }
    puts "agilis: ALLOW_TIMING_FAIL=1: writing the bitstream anyway (do not use it for measurements)"
}

# ---- bitstream ----------------------------------------------------------------------------
write_bitstream -force -bin_file [file join $out $name.bit]
write_cfgmem -force -format mcs -size $board_flash_mib -interface SPIx4 \
    -loadbit [list up 0x0 [file join $out $name.bit]] -file [file join $out $name.mcs]
puts "agilis: wrote [file join $out $name.bit] (+ .bin, .mcs)"
