"""Coaching-flavoured text for generated threads and contributions (written for the benchmark)."""

TAG_NAMES = [
    "active listening", "accountability", "goal setting", "motivation", "feedback",
    "career transition", "burnout", "confidence", "leadership", "team coaching",
    "powerful questions", "values", "boundaries", "procrastination", "habits",
    "resilience", "strength-based", "reflection", "self-awareness", "time management",
    "difficult conversations", "first session", "contracting", "ethics", "supervision",
    "group coaching", "executive coaching", "life coaching", "wellbeing", "mindset",
    "grow model", "silence", "rapport", "empathy", "curiosity", "commitment",
    "progress review", "stalled client", "limiting beliefs", "celebration",
    "journaling", "visualisation", "metaphor", "somatic", "energy", "purpose",
    "decision making", "stakeholders", "onboarding", "closure",
]

QUESTIONS = [
    "How do you restart momentum with a client who has stalled for weeks?",
    "What do you ask when a client says they already know the answer?",
    "How do you hold a client accountable without sounding like their manager?",
    "Which question opens up a first session with a sceptical client?",
    "How do you handle a client who cancels every other session?",
    "What helps a client separate their own goals from their family's expectations?",
    "How do you bring feedback from stakeholders into a coaching conversation?",
    "When do you let silence do the work, and when do you step in?",
    "How do you close an engagement that has stopped moving forward?",
    "What do you do when a client's goal changes halfway through?",
    "How do you notice your own bias when a client's story mirrors yours?",
    "What is your favourite way to turn an insight into a first small step?",
]

PROMPTS = [
    ("Cultivate trust", "How do you build enough safety for an honest answer?"),
    ("Name the pattern", "What do you say when you notice the same story again?"),
    ("Find the smallest step", "How do you shrink the next action until it feels easy?"),
    ("Review and celebrate", "How do you mark progress so that it sticks?"),
]

LEADS = [
    "Every coach meets this moment. Share what you tried, what the client said, and what you "
    "would do differently next time.",
    "Practical answers help most: a question you asked, a tool you used, how the next session "
    "went.",
]

CALL_TO_ACTION = "Tell us what worked for you, and answer one of the prompts above."

OPENINGS = [
    "With a client who had gone quiet for a month, I stopped asking about the plan.",
    "What finally helped was naming the pattern out loud, gently and without judgement.",
    "I used to push for commitments too early; now I slow the first half of the session down.",
    "A former manager of mine did this for me, and I borrowed the approach for coaching.",
    "This one surprised me: the breakthrough came from the client's own metaphor.",
    "I keep a short checklist for sessions like this and revisit it every quarter.",
]

STEPS = [
    "Ask what has changed since the goal was set",
    "Reflect back the exact words the client used",
    "Invite one small experiment before the next session",
    "Agree how progress will be noticed, by whom",
    "Leave ten seconds of silence after a hard question",
    "Check energy on a scale from one to ten",
    "Write the commitment in the client's words, not mine",
    "Return to the client's values when choices compete",
]

CLOSINGS = [
    "The client came back with a plan they owned, which is the whole point.",
    "It took two sessions, but the conversation has been lighter ever since.",
    "Not every client responds to this, so I keep a second route ready.",
    "Curious whether others see the same thing with executive clients.",
]
