# Board description of the RHS Research LiteFury for hdl/board/build.tcl.
# Sourced by build.tcl; sets the variables and procedure it expects.
#
# Part: the card carries an XC7A100T-L2FGG484E. Its -2L grade at VCCINT =
# 1.0 V has the -2 speed specification (DS181), and a -2 part file is what
# public LiteFury builds use (github.com/hdlguy/litefury_pcie, Vivado
# 2025.2, "Device: xc7a100tfgg484-2"). Override with PART=... if your Vivado
# wants the low-voltage part name.

set board_part     xc7a100tfgg484-2
set board_top      agilis_litefury_top
set board_sources  [list [file join $board_dir agilis_litefury_top.v]]
set board_xdc      [list [file join $board_dir agilis_litefury.xdc]]
# SPI flash (S25FL series): 128 Mb or 256 Mb depending on the batch (vendor
# README); the .mcs is sized for the smaller one.
set board_flash_mib 16
set board_pcie_blk  X0Y0

# PCIe lane -> GTP site (see the header of agilis_litefury.xdc, source [3]).
set board_gt_lanes {0 GTPE2_CHANNEL_X0Y6 1 GTPE2_CHANNEL_X0Y4 2 GTPE2_CHANNEL_X0Y5 3 GTPE2_CHANNEL_X0Y7}

# Called by build.tcl on the synthesized design, before opt_design.
proc board_post_synth {} {
    global board_gt_lanes
    set cells {}
    foreach {lane site} $board_gt_lanes {
        set cell [get_cells -hierarchical -filter "REF_NAME == GTPE2_CHANNEL && NAME =~ *pipe_lane?${lane}?.*"]
        if {[llength $cell] != 1} {
            error "board_post_synth: expected one GTPE2_CHANNEL for PCIe lane $lane, found [llength $cell]: $cell (list them with: get_cells -hierarchical -filter {REF_NAME == GTPE2_CHANNEL})"
        }
        lappend cells $cell $site
    }
    # Free all four sites first: the IP's own LOCs use the standard order.
    foreach {cell site} $cells { reset_property LOC $cell }
    foreach {cell site} $cells {
        set_property LOC $site $cell
        puts "agilis: [get_property NAME $cell] -> $site"
    }
}
