"""Assignment rules (category, channel, product, department; round robin or fewest open
cases) and the absence calendar: who may be given a case, and who is given a new one."""
