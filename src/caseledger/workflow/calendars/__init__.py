"""Holiday calendars with make-up working days (调休), business hours, iCalendar import."""
