## agilis on the RHS Research LiteFury (xc7a100t-fgg484, M.2 2280 M-key, PCIe Gen2 x4).
##
## Pin sources (public, cross-checked against each other):
##  [1] litex-hub/litex-boards, litex_boards/platforms/rhsresearchllc_litefury.py
##      (commit 062b899e): pcie_x4 rst_n J1, clk_p/n F6/E6, rx_p B10 B8 D11 D9,
##      rx_n A10 A8 C11 C9, tx_p B6 B4 D5 D7, tx_n A6 A4 C5 C7 (lanes 0..3);
##      pcie_clkreq_l G1; user_led G3 H3 G4 H4; the bitstream settings below.
##  [2] RHSResearchLLC/NiteFury-and-LiteFury (the vendor's repository),
##      Sample-Projects/Project-0/FPGA/common/Constraints/normal.xdc: LEDs G3,
##      H3, G4, H4 as LVCMOS33 with PULLUP and DRIVE 8, the false path on the
##      PCIe reset, the fast SPIx4 configuration "so FPGA is up in time to
##      negotiate with PCIe root complex".
##  [3] The LiteFury's non-standard lane order inside the GTP quad, from the
##      vendor's Top_xdma_0_0_pcie2_ip-PCIE_X0Y0-fixed.xdc in [2] and from
##      github.com/hdlguy/litefury_pcie x4_pcie/implement/compile.tcl:
##      PCIe lane 0 -> GTPE2_CHANNEL_X0Y6, 1 -> X0Y4, 2 -> X0Y5, 3 -> X0Y7.
##      Those are LOCs on cells inside the IP, so litefury/board.tcl applies
##      them after synthesis (an XDC read before synthesis cannot override
##      the IP's own LOCs without conflicts).
##
## The lane pins are fixed by the GTP sites; PACKAGE_PIN below states them as
## [1] gives them, and Vivado stops with a placement error if they disagree
## with the sites of [3] (see docs/lab-card.md, "If the build fails").

## ---- PCIe ---------------------------------------------------------------------
set_property PACKAGE_PIN F6 [get_ports pcie_refclk_p]
set_property PACKAGE_PIN E6 [get_ports pcie_refclk_n]
create_clock -name pcie_refclk -period 10.000 [get_ports pcie_refclk_p]

set_property PACKAGE_PIN B10 [get_ports {pcie_rx_p[0]}]
set_property PACKAGE_PIN A10 [get_ports {pcie_rx_n[0]}]
set_property PACKAGE_PIN B8  [get_ports {pcie_rx_p[1]}]
set_property PACKAGE_PIN A8  [get_ports {pcie_rx_n[1]}]
set_property PACKAGE_PIN D11 [get_ports {pcie_rx_p[2]}]
set_property PACKAGE_PIN C11 [get_ports {pcie_rx_n[2]}]
set_property PACKAGE_PIN D9  [get_ports {pcie_rx_p[3]}]
set_property PACKAGE_PIN C9  [get_ports {pcie_rx_n[3]}]
set_property PACKAGE_PIN B6  [get_ports {pcie_tx_p[0]}]
set_property PACKAGE_PIN A6  [get_ports {pcie_tx_n[0]}]
set_property PACKAGE_PIN B4  [get_ports {pcie_tx_p[1]}]
set_property PACKAGE_PIN A4  [get_ports {pcie_tx_n[1]}]
set_property PACKAGE_PIN D5  [get_ports {pcie_tx_p[2]}]
set_property PACKAGE_PIN C5  [get_ports {pcie_tx_n[2]}]
set_property PACKAGE_PIN D7  [get_ports {pcie_tx_p[3]}]
set_property PACKAGE_PIN C7  [get_ports {pcie_tx_n[3]}]

# PERST# from the M.2 connector: asynchronous, resynchronized in the wrapper.
set_property PACKAGE_PIN J1 [get_ports pcie_perst_n]
set_property IOSTANDARD LVCMOS33 [get_ports pcie_perst_n]
set_property PULLUP true [get_ports pcie_perst_n]
set_false_path -from [get_ports pcie_perst_n]

# CLKREQ#: driven low (always request the reference clock).
set_property PACKAGE_PIN G1 [get_ports pcie_clkreq_n]
set_property IOSTANDARD LVCMOS33 [get_ports pcie_clkreq_n]
set_false_path -to [get_ports pcie_clkreq_n]

## ---- LEDs (active low) ------------------------------------------------------------
set_property PACKAGE_PIN G3 [get_ports {led_n[0]}]
set_property PACKAGE_PIN H3 [get_ports {led_n[1]}]
set_property PACKAGE_PIN G4 [get_ports {led_n[2]}]
set_property PACKAGE_PIN H4 [get_ports {led_n[3]}]
set_property IOSTANDARD LVCMOS33 [get_ports {led_n[*]}]
set_property PULLUP true [get_ports {led_n[*]}]
set_property DRIVE 8 [get_ports {led_n[*]}]
set_false_path -to [get_ports {led_n[*]}]

## ---- clock-domain crossings of the wrapper ------------------------------------------
# The first stage of each two/three-flop synchronizer (ASYNC_REG) is the
# only place a signal crosses between the bridge clock (axi_aclk_out) and the
# core clock (MMCM CLKOUT0) outside the axi_clock_converter IPs, which carry
# their own constraints.
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *crst_sync_reg?0?/D}]
set_false_path -to [get_pins -hierarchical -filter {NAME =~ *irq_sync_reg?0?/D}]

## ---- configuration (SPI x4 flash, fast start so the link trains in time) ------------
set_property CFGBVS VCCO [current_design]
set_property CONFIG_VOLTAGE 3.3 [current_design]
set_property CONFIG_MODE SPIx4 [current_design]
set_property BITSTREAM.CONFIG.SPI_BUSWIDTH 4 [current_design]
set_property BITSTREAM.CONFIG.EXTMASTERCCLK_EN Div-1 [current_design]
set_property BITSTREAM.CONFIG.SPI_FALL_EDGE YES [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE [current_design]
set_property BITSTREAM.CONFIG.OVERTEMPPOWERDOWN ENABLE [current_design]
