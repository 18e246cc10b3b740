"""Static vocabulary of the demo company: names, projects, teams, vendors and phrases.

Kept apart from the generator so the storyline code reads as logic, not as word lists.
"""

from __future__ import annotations

REPORTING_CURRENCY = "EUR"

PORTFOLIOS: tuple[tuple[str, str, str], ...] = (
    # portfolio, business unit, sponsor
    ("Digital Channels", "Retail", "Dana Whitfield"),
    ("Operations & Supply Chain", "Operations", "Marcus Oyelaran"),
    ("Finance & Risk", "Group Finance", "Helena Strand"),
    ("Corporate IT", "Group Technology", "Tomás Ibarra"),
)

# code, name, portfolio index, program, methodology, currency
CURATED_PROJECTS: tuple[tuple[str, str, int, str, str, str], ...] = (
    ("ERP", "Finance ERP migration", 2, "Finance transformation", "waterfall", "EUR"),
    ("WMS", "Warehouse management replacement", 1, "Fulfilment 2026", "waterfall", "EUR"),
    ("DCM", "Data centre exit to cloud", 3, "Cloud first", "waterfall", "EUR"),
    ("MOB", "Mobile app v3", 0, "Digital self-service", "agile", "EUR"),
    ("DWH", "Enterprise data warehouse", 3, "Data foundations", "hybrid", "EUR"),
    ("LOY", "Loyalty programme platform", 0, "Customer engagement", "agile", "EUR"),
    ("CRM", "Customer 360 CRM rollout", 0, "Customer engagement", "agile", "EUR"),
    ("PAY", "Payments hub modernisation", 2, "Core banking", "hybrid", "EUR"),
    ("TMS", "Transport management system", 1, "Fulfilment 2026", "waterfall", "USD"),
    ("KYC", "KYC onboarding automation", 2, "Regulatory change", "agile", "EUR"),
    ("NET", "Branch network refresh", 3, "Workplace", "waterfall", "EUR"),
    ("OMS", "Order management platform", 1, "Fulfilment 2026", "hybrid", "USD"),
    ("WEB", "Corporate website relaunch", 0, "Digital self-service", "agile", "EUR"),
    ("REG", "Regulatory reporting (UK)", 2, "Regulatory change", "waterfall", "GBP"),
    ("API", "API gateway and developer portal", 3, "Cloud first", "agile", "EUR"),
    ("BIL", "Billing engine rewrite", 2, "Core banking", "hybrid", "EUR"),
    ("POS", "Store point-of-sale refresh", 1, "Store of the future", "waterfall", "EUR"),
    ("CDP", "Customer data platform", 0, "Customer engagement", "agile", "EUR"),
    ("SEC", "Security operations centre", 3, "Cyber resilience", "hybrid", "EUR"),
    ("FRD", "Fraud detection models", 2, "Financial crime", "agile", "EUR"),
    ("ECM", "Document management consolidation", 3, "Workplace", "waterfall", "EUR"),
    ("CHT", "Customer service chatbot", 0, "Digital self-service", "agile", "EUR"),
    ("HRX", "HR self-service portal", 3, "Workplace", "hybrid", "EUR"),
    ("IAM", "Identity and access management", 3, "Cyber resilience", "agile", "EUR"),
    ("SCM", "Supplier collaboration portal", 1, "Procurement excellence", "agile", "EUR"),
    ("PLM", "Product lifecycle management", 1, "Store of the future", "waterfall", "EUR"),
    ("AML", "Anti-money-laundering monitoring", 2, "Financial crime", "hybrid", "EUR"),
    ("MDM", "Master data management", 3, "Data foundations", "waterfall", "EUR"),
    ("BPM", "Back-office process automation", 1, "Procurement excellence", "agile", "EUR"),
    ("TAX", "Indirect tax engine", 2, "Finance transformation", "waterfall", "EUR"),
    ("ITS", "IT service management replatform", 3, "Cloud first", "hybrid", "EUR"),
    ("EDI", "EDI partner onboarding", 1, "Procurement excellence", "agile", "USD"),
)

NAME_ADJECTIVES = (
    "Group", "Regional", "Digital", "Unified", "Next-generation", "Automated", "Self-service",
    "Real-time", "Cloud", "Integrated", "Global", "Smart",
)
NAME_SUBJECTS = (
    "claims", "pricing", "inventory", "treasury", "procurement", "contact centre", "logistics",
    "analytics", "onboarding", "forecasting", "payroll", "collections", "field service",
    "marketing", "compliance", "asset",
)
NAME_NOUNS = ("platform", "rollout", "replacement", "programme", "upgrade", "migration", "portal")

FIRST_NAMES = (
    "Ana", "Ravi", "Mei", "Lukas", "Fatima", "Jonas", "Priya", "Diego", "Sofia", "Kwame", "Elena",
    "Marek", "Aisha", "Tom", "Ingrid", "Hiroshi", "Chloé", "Mateo", "Noor", "Pieter", "Grace",
    "Omar", "Lena", "Carlos", "Yuki", "Amara", "Felix", "Zara", "Bruno", "Hannah", "Ivan", "Leila",
    "Samuel", "Nadia", "Oliver", "Mariana", "Erik", "Sunita", "Pablo", "Freya", "Kofi", "Julia",
    "Arjun", "Beatriz", "Niels", "Olga", "Rafael", "Maya", "Stefan", "Lucía", "Daniel", "Ayesha",
    "Henrik", "Camila", "Tariq", "Ella", "Viktor", "Rosa", "Emeka", "Clara", "Andrés", "Ming",
    "Sven", "Inés", "Joseph", "Keiko", "Paolo", "Esther", "Nikhil", "Anouk", "Tobias", "Laila",
    "Gabriel", "Silke", "Mohammed", "Irene", "Jakub", "Amélie", "Rohan", "Marta",
)
LAST_NAMES = (
    "Souza", "Menon", "Chen", "Becker", "Haddad", "Nilsson", "Sharma", "Ortega", "Rossi",
    "Mensah", "Petrova", "Nowak", "Khan", "Walsh", "Lund", "Tanaka", "Dubois", "García", "Rahman",
    "de Vries", "Okafor", "Farouk", "Schmidt", "Morales", "Sato", "Eze", "Wagner", "Ali",
    "Costa", "Fischer", "Ivanov", "Karimi", "Boateng", "Novak", "Hughes", "Ferreira", "Berg",
    "Iyer", "Navarro", "Jensen", "Asante", "Keller", "Patel", "Ribeiro", "Andersen", "Smirnova",
    "Moreno", "Kapoor", "Weber", "Fernández", "Murphy", "Siddiqui", "Larsen", "Reyes", "Aziz",
    "Clarke", "Horvat", "Vargas", "Adeyemi", "Martin", "Romero", "Zhang", "Lindqvist", "Ruiz",
    "O'Brien", "Nakamura", "Bianchi", "Cohen", "Desai", "Janssen", "Vogel", "Hassan", "Kowalski",
    "Lefèvre", "Gupta", "Santos",
)

TEAM_NAMES = (
    "Falcon", "Orca", "Lynx", "Heron", "Otter", "Kestrel", "Bison", "Puffin", "Marlin", "Ibex",
    "Condor", "Badger", "Narwhal", "Osprey", "Panda", "Raven", "Gecko", "Wombat", "Crane", "Tapir",
    "Jaguar", "Mantis", "Pelican", "Walrus",
)

# role, base hourly cost (EUR), share of headcount
ROLES: tuple[tuple[str, float, float], ...] = (
    ("Developer", 72.0, 0.30),
    ("Senior Developer", 92.0, 0.10),
    ("QA Engineer", 62.0, 0.12),
    ("Business Analyst", 78.0, 0.10),
    ("Project Manager", 98.0, 0.08),
    ("Scrum Master", 82.0, 0.04),
    ("Product Owner", 88.0, 0.04),
    ("Solution Architect", 112.0, 0.05),
    ("Data Engineer", 84.0, 0.07),
    ("UX Designer", 74.0, 0.04),
    ("DevOps Engineer", 88.0, 0.06),
)

# what each role books its time to in Harvest/Toggl/Clockify (the tools' "Task")
ROLE_ACTIVITY = {
    "Developer": "Development",
    "Senior Developer": "Development",
    "QA Engineer": "Testing",
    "Business Analyst": "Analysis",
    "Project Manager": "Project management",
    "Scrum Master": "Project management",
    "Product Owner": "Analysis",
    "Solution Architect": "Design",
    "Data Engineer": "Development",
    "UX Designer": "Design",
    "DevOps Engineer": "Deployment",
}

ACTIVITY_NOTES = {
    "Development": (
        "Implemented validation rules for the import service",
        "Refactored the batch scheduler configuration",
        "Code review and merge of integration branch",
        "Fixed defects raised in system test",
        "Built REST endpoints for the reporting module",
        "Pairing on the data mapping layer",
        "Unit tests for pricing calculations",
        "Database migration scripts",
    ),
    "Testing": (
        "Executed regression pack",
        "Wrote test cases for month-end close",
        "Retested fixed defects",
        "Performance test run and analysis",
        "UAT support with business users",
        "Test data preparation",
    ),
    "Analysis": (
        "Requirements workshop with finance users",
        "Process mapping for goods receipt",
        "Refined acceptance criteria",
        "Gap analysis against current system",
        "Stakeholder interviews",
        "Updated functional specification",
    ),
    "Project management": (
        "Weekly steering committee preparation",
        "Plan update and status report",
        "Vendor progress meeting",
        "Risk review with workstream leads",
        "Budget forecast update",
        "Resource planning for next phase",
    ),
    "Design": (
        "Solution design review",
        "Integration architecture for ERP interfaces",
        "Wireframes for the self-service flow",
        "Security design walkthrough",
        "Usability test preparation",
    ),
    "Deployment": (
        "Pipeline changes for release train",
        "Environment build for SIT",
        "Cut-over rehearsal",
        "Monitoring and alerting setup",
        "Infrastructure as code review",
    ),
}

VENDORS_SERVICES = (
    "Northwind Consulting",
    "Contoso Systems",
    "Fabrikam Data Services",
    "Tailspin Cloud",
    "Litware Security",
    "Proseware Analytics",
)
VENDORS_HARDWARE = ("Adventure Works Hardware", "Wingtip Devices")
VENDORS_SOFTWARE = ("Wide World Software", "Coho Licensing")
STAFFING_AGENCIES = ("Bluefin Staffing", "Cedar Talent Partners", "Meridian Contractors")

WATERFALL_PHASES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "Initiation",
        ("Project charter and business case", "Stakeholder analysis", "Plan and governance set-up"),
        "Charter approved",
    ),
    (
        "Analysis and design",
        (
            "Current-state process mapping",
            "Requirements specification",
            "Solution architecture",
            "Data migration strategy",
            "Design authority review",
        ),
        "Design sign-off",
    ),
    (
        "Build",
        (
            "Environment provisioning",
            "Configuration and core build",
            "Interfaces and integration",
            "Reports and extracts",
            "Data migration tooling",
            "Build quality review",
        ),
        "Build complete",
    ),
    (
        "Testing",
        (
            "System integration testing",
            "Data migration trial loads",
            "Performance testing",
            "User acceptance testing",
        ),
        "UAT exit",
    ),
    (
        "Deployment",
        ("Training and change management", "Cut-over rehearsal", "Production cut-over"),
        "Go-live",
    ),
    ("Closure", ("Hypercare", "Lessons learned and handover"), "Project closed"),
)

EPIC_THEMES = (
    "Customer onboarding", "Notifications", "Reporting dashboards", "Payments integration",
    "Search and filters", "Accessibility compliance", "Performance hardening", "Audit logging",
    "Single sign-on", "Data migration", "Offline mode", "Partner API", "Consent management",
    "Rewards catalogue", "Case management", "Self-service profile", "Pricing rules",
    "Document upload", "Analytics events", "Admin console",
)
STORY_VERBS = (
    "Add", "Show", "Validate", "Export", "Filter", "Notify users about", "Store", "Sync",
    "Display", "Allow editing of", "Audit", "Cache", "Paginate", "Localise",
)
STORY_OBJECTS = (
    "account balance", "transaction history", "consent preferences", "delivery address",
    "password reset", "order status", "loyalty points", "uploaded documents", "contact details",
    "payment methods", "monthly statement", "support tickets", "saved searches", "user roles",
    "error messages", "session timeout", "price list", "invoice PDF",
)
STORY_PERSONAS = ("customer", "agent", "administrator", "store manager", "analyst", "partner")
BUG_SYMPTOMS = (
    "times out after 30 s", "shows wrong currency symbol", "fails on Safari", "duplicates rows",
    "loses filter on back navigation", "returns HTTP 500", "renders blank on Android 14",
    "rounds totals incorrectly", "ignores time zone", "truncates long names",
)

RISK_CATALOGUE: tuple[tuple[str, str, float, float], ...] = (
    # title, category, impact cost share of BAC, impact days
    ("Key supplier delivers late", "vendor", 0.05, 30),
    ("Data quality in legacy system worse than assumed", "technical", 0.06, 25),
    ("Business SMEs unavailable during testing", "resource", 0.03, 20),
    ("Integration with core ledger more complex than estimated", "technical", 0.07, 35),
    ("Licence costs increase at renewal", "cost", 0.04, 0),
    ("Regulatory requirements change mid-project", "compliance", 0.05, 40),
    ("Security penetration test findings delay go-live", "security", 0.02, 15),
    ("Loss of key developer", "resource", 0.03, 20),
    ("Performance targets not met at peak volumes", "technical", 0.04, 20),
    ("Scope creep from business stakeholders", "scope", 0.06, 30),
    ("Cloud environment provisioning delays", "schedule", 0.02, 15),
    ("Exchange-rate movement on USD-denominated contracts", "cost", 0.03, 0),
    ("User adoption lower than planned", "business", 0.02, 0),
    ("Test environment instability", "schedule", 0.02, 10),
)

EXECUTIVES = (
    "Dana Whitfield", "Marcus Oyelaran", "Helena Strand", "Tomás Ibarra", "Priscilla Nakamura",
    "Georg Lindahl",
)
