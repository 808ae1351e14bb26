"""The demo organisation's words: its units, people, customers, and what was seen and heard."""

from __future__ import annotations

# Published on purpose: every demo account signs in with it.
PASSWORD = "gemba-demo"  # noqa: S105
TOP = "Eastmere Council"
UNVISITED = "Street Cleansing Nights"

# fmt: off
# (One record a line reads better than the formatter's one value a line.)

# Division -> (theme, its teams). The theme picks the places, people and observations below.
DIVISIONS = {
    # Street Cleansing Nights has no manager and nobody walks it: the unit the director's
    # Coverage page shows as never visited (and a shift the heat map shows empty).
    "Waste & Fleet Operations": (
        "depots",
        ["Northgate Depot", "Harbour Road Depot", UNVISITED],
    ),
    "Planning & Permits": ("permits", ["Building Control", "Licensing & Environmental Permits"]),
    "Customer Contact": ("contact", ["Contact Centre", "Town Hall Service Centre"]),
}

# (unit, kind: e = external / i = internal, name, notes)
CUSTOMERS = [
    ("Northgate Depot", "e", "Households on the Northgate rounds",
     "Around 14,000 homes; the bin calendar is the thing they ask about most."),
    ("Northgate Depot", "e", "Marlow Court care home",
     "Clinical and general waste; the access road is narrow, vans before 8am only."),
    ("Northgate Depot", "e", "Northgate market traders",
     "Saturday market, 40 stalls; trade waste collected at 5pm sharp."),
    ("Northgate Depot", "e", "Hillside Primary School",
     "Term-time collections; the caretaker is our contact."),
    ("Northgate Depot", "i", "Parks team",
     "We take their green waste from six parks every Monday."),
    ("Harbour Road Depot", "e", "Recycling centre visitors",
     "Busiest Saturday and Sunday mornings; queues reach the main road in spring."),
    ("Harbour Road Depot", "e", "Quayside flats residents' association",
     "Communal bins in three blocks; contamination complaints from both sides."),
    ("Harbour Road Depot", "e", "Trade waste customers",
     "About 300 small businesses on contracts; invoices go out quarterly."),
    ("Harbour Road Depot", "e", "Assisted-collection households",
     "People who cannot take their bin out; a missed collection hurts most here."),
    ("Harbour Road Depot", "i", "Street Cleansing",
     "Their sweepers tip at our transfer station; they need the gate open at 6am."),
    ("Waste & Fleet Operations", "e", "Eastmere Homes housing association",
     "Bin stores on 40 estates under one contract; their caretakers report the overflows."),
    ("Building Control", "e", "Self-builders and homeowners",
     "Often their first building project; the inspection booking is their main worry."),
    ("Building Control", "e", "Local builders and contractors",
     "Repeat customers; they lose a day when an inspector does not come."),
    ("Building Control", "e", "Architects and agents",
     "Submit most applications online; they chase the status by phone."),
    ("Building Control", "i", "Planning officers",
     "Need our completion certificates before they can close cases."),
    ("Licensing & Environmental Permits", "e", "Taxi and private-hire drivers",
     "About 900 licensed drivers; renewals bunch up in April."),
    ("Licensing & Environmental Permits", "e", "Pubs and late-night venues",
     "Premises licences and variations; they want one named officer."),
    ("Licensing & Environmental Permits", "e", "Scrap metal dealers and waste carriers",
     "Small yards; the permit is their livelihood, so a delay is costly."),
    ("Licensing & Environmental Permits", "i", "Environmental Health officers",
     "Use our permit records on every inspection."),
    ("Planning & Permits", "e", "Event organisers",
     "Fêtes, fun runs and street parties needing road closures and temporary licences."),
    ("Planning & Permits", "i", "Legal services",
     "Need complete case files from us for enforcement and appeals."),
    ("Contact Centre", "e", "Callers about missed bins",
     "The biggest single reason people phone us, Monday mornings above all."),
    ("Contact Centre", "e", "Council tax payers",
     "Moving home, discounts and payment plans; calls peak when bills go out in March."),
    ("Contact Centre", "e", "Tenants reporting housing repairs",
     "Many call more than once about the same repair."),
    ("Contact Centre", "i", "Revenues & Benefits back office",
     "Receive the cases we cannot resolve on the first call."),
    ("Town Hall Service Centre", "e", "Walk-in visitors at the Town Hall",
     "About 250 a day; many come because they could not get through on the phone."),
    ("Town Hall Service Centre", "e", "Blue badge applicants",
     "Often older or disabled people, sometimes with a carer; the form is long."),
    ("Town Hall Service Centre", "i", "Registrars",
     "Share our front desk for birth and death registrations."),
    ("Customer Contact", "i", "Service managers across the council",
     "Get our monthly report of why people call; they own most of the causes."),
    (TOP, "e", "Residents without internet access",
     "Rely on the phone and the Town Hall; letters matter more to them."),
]

# (email, display name, roles, unit, habit, coach). Directors walk too, so they are managers.
PEOPLE = [
    ("admin@example.org", "Niamh Gallagher", "admin", TOP, None, None),
    ("director@example.org", "Olufemi Adeyemi", "director manager", TOP, "monthly",
     "coach@example.org"),
    ("director2@example.org", "Catherine Bell", "director manager", "Waste & Fleet Operations",
     "fortnightly", "coach2@example.org"),
    ("coach@example.org", "Inès Moreau", "coach", TOP, None, None),
    ("coach2@example.org", "Samuel Osei", "coach", TOP, None, None),
    ("manager@example.org", "Priya Raman", "manager", "Northgate Depot", "steady",
     "coach@example.org"),
    ("manager2@example.org", "Tomasz Nowak", "manager", "Northgate Depot", "drifting",
     "coach@example.org"),
    ("manager3@example.org", "Grace Okafor", "manager", "Harbour Road Depot", "gemba_only",
     "coach@example.org"),
    ("manager4@example.org", "Liam O'Connor", "manager", "Harbour Road Depot", "improving",
     "coach@example.org"),
    ("manager5@example.org", "Aisha Rahman", "manager", "Building Control", "often_late",
     "coach@example.org"),
    ("manager6@example.org", "Daniel Mensah", "manager", "Building Control", "fortnightly",
     "coach@example.org"),
    ("manager7@example.org", "Sofia Esposito", "manager", "Licensing & Environmental Permits",
     "internal_only", "coach2@example.org"),
    ("manager8@example.org", "Hamid Karimi", "manager", "Licensing & Environmental Permits",
     "improving", "coach2@example.org"),
    ("manager9@example.org", "Chloe Williams", "manager", "Contact Centre", "steady",
     "coach2@example.org"),
    ("manager10@example.org", "Kwame Asante", "manager", "Contact Centre", "unreliable",
     "coach2@example.org"),
    ("manager11@example.org", "Mei Lin Zhou", "manager", "Town Hall Service Centre",
     "nobody_there", "coach2@example.org"),
    ("manager12@example.org", "Rhys Evans", "manager", "Town Hall Service Centre", "drifting",
     "coach2@example.org"),
]
LEADS = {"director@example.org": TOP, "director2@example.org": "Waste & Fleet Operations"}

# Observation codes: wm what matters, vd value demand, fd failure demand, wa waste,
# fi frontline idea, gp good practice. Said by: c customer, f frontline, w the walker.
# A row: (category, waste type or "", said by, text, follow-up action, "you said, we did").
THEMES = {
    "depots": {
        "visit_places": ["Northgate rounds, route 4", "Recycling centre gate", "Marlow Court",
                         "Quayside flats bin stores", "Saturday market, Bridge Street"],
        "gemba_places": ["Northgate Depot yard", "Weighbridge", "Transfer station",
                         "Morning briefing, Harbour Road", "Vehicle workshop"],
        "visit_purposes": ["Ride along a round and meet residents at the kerb",
                           "Stand at the gate and ask visitors why they came today",
                           "Ask what a good collection looks like to them"],
        "gemba_purposes": ["Watch the 6am start from briefing to first lift",
                           "Follow one missed-bin report from call to crew",
                           "See the tipping queue at peak"],
        "frontline": ["Driver and two loaders on route 4", "Weighbridge operator",
                      "Gate staff (Dev and Marta)", "Round supervisor", "Workshop fitter"],
        "summaries": ["Most of what people asked about was knowing when we would come.",
                      "The crew are working round a van that is too wide for half the street.",
                      "Good morning: people were glad to be asked, and the queue moved well."],
        "notes": [
            ("wm", "", "c", "I just want to know which week is green bin week without looking "
             "it up.", "", ""),
            ("wm", "", "c", "If you can't come, tell me the same day, not a week later.", "", ""),
            ("vd", "", "c", "Can I book a bulky collection for my old sofa?", "", ""),
            ("vd", "", "c", "Where do I take paint tins?", "", ""),
            ("fd", "", "c", "I'm ringing again because my bin was missed and nobody came back.",
             "Crews log missed bins on the tablet before leaving the street",
             "You said missed bins were not put right; crews now log them before leaving the "
             "street and the catch-up van goes out the same afternoon."),
            ("fd", "", "c", "The calendar that came through the door had last year's dates on it.",
             "Check the printed calendar against the round before it goes to print",
             "You said the calendar was wrong; we check every round's dates before printing."),
            ("fd", "", "c", "I queued forty minutes to be told you don't take plasterboard.",
             "Put the list of what we take on a sign at the end of the queue",
             "You said you queued for nothing; a board at the road end now lists what we take."),
            ("wa", "transport", "w", "Van drives back across town to tip at midday, then returns "
             "to the same street.", "Try tipping at Harbour Road for the east rounds",
             "East rounds tip at Harbour Road now: 40 minutes less driving a day."),
            ("wa", "waiting", "f", "We wait twenty minutes every morning for the keys to be signed "
             "out.", "Key cabinet with a sign-out sheet by the door",
             "You said you waited for keys; a key cabinet by the door saves the queue."),
            ("wa", "inventory", "w", "A pallet of spare bins has stood in the rain since spring.",
             "", ""),
            ("wa", "defects", "f", "Half the crew sheets come back without the missed-bin reasons.",
             "", ""),
            ("wa", "motion", "f", "Loaders walk back to the cab to check the tablet at every "
             "stop.", "", ""),
            ("wa", "skills", "f", "Two of our loaders are qualified HGV drivers and nobody asked.",
             "Offer relief driving shifts to qualified loaders",
             "You said your licences went unused; two loaders now cover relief driving."),
            ("fi", "", "f", "If we had the assisted-collection list on the tablet we'd never miss "
             "them.", "Add assisted collections to the round tablet",
             "You said the list should be on the tablet; it is, with a flag on each house."),
            ("fi", "", "f", "Put the bay numbers up on the wall so drivers stop asking.", "", ""),
            ("gp", "", "w", "The route 4 crew knock for Mrs Hale and take her bin back in. "
             "Worth spreading.", "", ""),
            ("gp", "", "w", "Gate team hand out a printed map of the bays to first-time visitors.",
             "", ""),
        ],
    },
    "permits": {
        "visit_places": ["Building site, Mill Lane", "Customer counter, Civic Offices",
                         "Taxi rank, Station Road", "Café opening on the High Street",
                         "Scrapyard, Canal Walk"],
        "gemba_places": ["Permit processing team", "Inspection planning board",
                         "Licensing back office", "Post room", "Case review huddle"],
        "visit_purposes": ["Go with an inspector and meet the builder on site",
                           "Sit at the counter and hear what applicants need",
                           "Visit a business waiting for its licence"],
        "gemba_purposes": ["Follow one application from arrival to decision",
                           "Watch how inspections are booked and moved",
                           "See where renewals wait"],
        "frontline": ["Inspector (Kofi)", "Two licensing officers", "Counter team",
                      "Permit processing team lead", "Admin officer on the post desk"],
        "summaries": ["Applicants do not mind the fee; they mind not knowing where they are.",
                      "Every file I followed waited longest for a missing document.",
                      "Inspectors are solving problems on site that the form creates."],
        "notes": [
            ("wm", "", "c", "I need to know the inspector will actually turn up, so my "
             "plasterers aren't standing around.", "", ""),
            ("wm", "", "c", "Just tell me what's missing in one go, not one thing at a time.", "",
             ""),
            ("vd", "", "c", "Can I book the final inspection for Thursday?", "", ""),
            ("vd", "", "c", "How do I renew my private-hire badge?", "", ""),
            ("fd", "", "c", "I'm calling again because the letter didn't say what to bring.",
             "Rewrite the appointment letter with a what-to-bring list",
             "You said the letter didn't say what to bring; every letter now ends with a "
             "checklist."),
            ("fd", "", "c", "I've sent the same drawings three times to three different people.",
             "One named officer per application from day one",
             "You said you kept resending drawings; each application now has one named officer."),
            ("fd", "", "c", "Nobody told me the inspection was moved; the site stood idle.",
             "Text the builder when an inspection moves",
             "You said moves weren't told; builders now get a text the moment it changes."),
            ("wa", "over_processing", "f", "We print every online application to check it, then "
             "scan it back in.", "Check applications on screen for a month and compare",
             "We stopped printing; checks are on screen and just as good."),
            ("wa", "waiting", "w", "Renewals sit in the tray four days waiting for a signature.",
             "Delegate signing of standard renewals to team leads",
             "Team leads sign standard renewals; they no longer wait four days."),
            ("wa", "defects", "f", "A third of applications come in without the site plan.",
             "", ""),
            ("wa", "overproduction", "f", "We send the same acknowledgement by letter and by "
             "email.", "", ""),
            ("wa", "skills", "f", "Jas used to run a building firm; we could use him to check "
             "the tricky drawings.", "", ""),
            ("fi", "", "f", "A one-page checklist on the website would stop most of the missing "
             "documents.", "Publish a one-page checklist with the application form",
             "You said a checklist would help; it is on the form page, and incomplete "
             "applications have halved."),
            ("fi", "", "f", "Let inspectors book the next visit while they're still on site.",
             "", ""),
            ("gp", "", "w", "Kofi photographs problems on site and emails the builder before he "
             "leaves.", "", ""),
            ("gp", "", "w", "Counter team keep a folder of good example drawings to show "
             "applicants.", "", ""),
        ],
    },
    "contact": {
        "visit_places": ["Town Hall front desk", "Queue outside the Town Hall",
                         "Home visit, Elm Road", "Library help point",
                         "Side by side on the phones, listening to callers"],
        "gemba_places": ["Contact Centre floor", "Back-office handover desk",
                         "Morning huddle, Contact Centre", "Town Hall triage desk",
                         "Scanning room"],
        "visit_purposes": ["Meet visitors in the queue and ask what brought them in",
                           "Listen to callers and ask what they were trying to get done",
                           "Visit a resident who has called us five times"],
        "gemba_purposes": ["Follow a caller's problem through to the back office",
                           "Watch how the triage desk sorts the morning queue",
                           "Count why people call on a Monday morning"],
        "frontline": ["Advisors on the council tax line", "Triage desk (Bev and Ola)",
                      "Team leader, Contact Centre", "Back-office caseworker",
                      "Two new starters"],
        "summaries": ["Most calls I heard were people chasing something we had already promised.",
                      "The queue was long but friendly; the form is what slows it down.",
                      "Advisors know the fixes; they have never been asked."],
        "notes": [
            ("wm", "", "c", "I want to sort it in one go, not be passed round.", "", ""),
            ("wm", "", "c", "Somebody who knows my case when I ring back.", "", ""),
            ("vd", "", "c", "I'm moving house next month; what do I need to do about council "
             "tax?", "", ""),
            ("vd", "", "c", "I'd like to apply for a blue badge for my dad.", "", ""),
            ("fd", "", "c", "I'm calling again because nobody rang me back about the repair.",
             "Give callers a case number and a callback day",
             "You said nobody rang back; every repair call now gets a case number and a day."),
            ("fd", "", "c", "I came in because I was on hold for forty minutes.",
             "Offer a callback when the queue passes ten minutes",
             "You said you waited on hold; we now offer a callback after ten minutes."),
            ("fd", "", "c", "The bill says I owe money but I paid it at the post office.",
             "", ""),
            ("wa", "waiting", "w", "Visitors wait an hour to be told they need a form from the "
             "website.", "Triage the queue at the door",
             "You said you waited to be told one thing; a triage officer at the door now "
             "sorts the queue."),
            ("wa", "over_processing", "f", "We type the same details into three systems for one "
             "call.", "", ""),
            ("wa", "motion", "f", "We walk to the printer down the corridor for every blue badge "
             "form.", "Move a printer to the counter",
             "You said you walked to the printer; there's one at the counter now."),
            ("wa", "defects", "w", "Half the handovers to the back office come back for missing "
             "details.", "Agree a handover checklist with the back office",
             "A handover checklist agreed with the back office: far fewer come back."),
            ("wa", "skills", "f", "Ola speaks Polish and Russian but isn't on the rota for "
             "interpreting.", "", ""),
            ("fi", "", "f", "Let us fix the direct debit date ourselves instead of passing it on.",
             "Give advisors rights to change direct debit dates",
             "You said you could fix it yourselves; advisors now change the date on the call."),
            ("fi", "", "f", "A text reminder the day before bins change would stop the Monday "
             "calls.", "", ""),
            ("gp", "", "w", "Bev walks visitors to the right desk instead of pointing.", "", ""),
            ("gp", "", "w", "The new starters shadow the back office for a day; they pass fewer "
             "cases on.", "", ""),
        ],
    },
}

NOBODY_SUMMARIES = [
    "Nobody came by while I was there; the rain kept people away.",
    "Went at the wrong time: the quiet hour. Next time go at opening.",
]
# fmt: on
