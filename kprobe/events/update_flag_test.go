package events

import _ "github.com/kpemu/kpemu/internal/golden"
