"""The read commands' plain path: `stint status`, `list` and `show` in their plain forms,
run without click or Rich (their imports alone cost several times the command's floor).

`stint.entry` hands these forms here first. What is printed is what the click path prints,
byte for byte: the boxes are drawn here as Rich draws them. Whenever that cannot be
promised (a panel line that would wrap, a character whose width is not known, a forced
colour mode), what was read goes to Rich (`handover`); for anything unrecognised `run`
says None and the click path runs instead.
"""
