// Moderators' in-place reordering of related reading and quick actions.
"use strict";
