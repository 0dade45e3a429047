package dialogs

import (
	"fmt"
	"strings"
)

// Flow is one module of the conversation: it registers the buttons,
// commands and steps it owns, and nothing else parses them. A flow is on
// when it is registered (Engine.Register).
type Flow interface {
	Register(r *Router)
}

// Handler answers an event within a turn. An error means the turn could
// not be done (a port failed): nothing is saved or sent, and the event is
// handled again later.
type Handler func(c *Conv) error

// StepHandler is what a flow does at one of its steps.
type StepHandler struct {
	// Render shows the step: its question or text, and its buttons.
	Render Handler
	// Text takes a typed message at this step; nil means the step wants
	// a button, and typing is answered by showing the buttons again.
	Text func(c *Conv, text string) error
	// Claims, when set, tells whether a typed message that reads as a
	// question (a question mark, five words or more) is the step's answer
	// all the same, such as "Ik heet Jens en ik ben 19 jaar" at the name
	// question: the step then reads it before the FAQ can take it for a
	// question it half resembles.
	Claims func(c *Conv, text string) bool
	// Field, for a question, names what it asks (a message id), so staff
	// can be told where someone got stuck, and the step counts as a
	// question (a way to a person is offered where someone is stuck).
	Field string
}

// MenuRows adds rows to the menu (and to the advice, which ends with it).
type MenuRows func(c *Conv) [][]Button

// DataHook tells /mydata what a flow holds on the person: readable lines,
// and fields of the JSON export.
type DataHook func(c *Conv) (lines []string, export map[string]any, err error)

// Router sends each event to the flow that owns it: a button by the prefix
// of its data (segments separated by ":"; the longest registered prefix
// wins), a command by its name, typed text by the current step, and an
// event from outside by its kind. Flows register on it in Engine.Register.
type Router struct {
	buttons  map[string]Handler
	commands map[string]Handler
	steps    map[Step]StepHandler
	injected map[Kind]Handler
	// first is where a conversation goes once the person agreed.
	first      Step
	intercepts []func(c *Conv) (bool, error)
	startHooks []func(c *Conv) (bool, error)
	noteHooks  []func(c *Conv, n *Note)
	finally    []func(c *Conv)
	menus      []MenuRows
	data       []DataHook
	welcome    func(c *Conv) (string, bool)
	escape     func(c *Conv) []Button
	contact    Handler
	forgets    []ForgetHook
	// intents answer what people type in their own words (Intent), in
	// intentOrder after the frame's; understand hooks get typed text that
	// nothing else took (a question for the FAQ).
	intents     map[string]Handler
	intentOrder []string
	understand  []func(c *Conv, text string) (bool, error)
}

// ForgetHook tells /forget's confirmation what erasing will undo besides
// the data (a booking it cancels, say), one line each, in the person's
// language.
type ForgetHook func(c *Conv) (lines []string, err error)

func newRouter() *Router {
	return &Router{buttons: map[string]Handler{}, commands: map[string]Handler{},
		steps: map[Step]StepHandler{}, injected: map[Kind]Handler{}, intents: map[string]Handler{}}
}

// Button routes presses whose data is prefix or starts with prefix + ":".
func (r *Router) Button(prefix string, h Handler) {
	if _, dup := r.buttons[prefix]; dup {
		panic(fmt.Sprintf("dialogs: button prefix %q registered twice", prefix))
	}
	r.buttons[prefix] = h
}

// Command routes /name.
func (r *Router) Command(name string, h Handler) {
	if _, dup := r.commands[name]; dup {
		panic(fmt.Sprintf("dialogs: command /%s registered twice", name))
	}
	r.commands[name] = h
}

// Step registers what happens at step.
func (r *Router) Step(step Step, h StepHandler) {
	if _, dup := r.steps[step]; dup {
		panic(fmt.Sprintf("dialogs: step %q registered twice", step))
	}
	r.steps[step] = h
}

// First makes step where a conversation goes once the person agreed to
// the privacy notice.
func (r *Router) First(step Step) { r.first = step }

// Inject routes events of kind, which come from outside (staff, alerts,
// the schedule), to h. They reach only conversations we hold.
func (r *Router) Inject(kind Kind, h Handler) {
	if !kind.Proactive() {
		panic("dialogs: only proactive kinds are injected")
	}
	r.injected[kind] = h
}

// Intercept sees every event of the person before it is routed; done
// means it answered the event (a staff member has the conversation, say).
func (r *Router) Intercept(h func(c *Conv) (done bool, err error)) {
	r.intercepts = append(r.intercepts, h)
}

// OnStart sees every /start before the frame answers it; done means it
// answered it.
func (r *Router) OnStart(h func(c *Conv) (done bool, err error)) {
	r.startHooks = append(r.startHooks, h)
}

// OnNote sees every note a turn makes, to add what the flow knows (where
// the person came from, say).
func (r *Router) OnNote(h func(c *Conv, n *Note)) { r.noteHooks = append(r.noteHooks, h) }

// Finally runs h at the end of every turn that keeps a state, whichever
// flow the event went to: a flow that others must hear from when
// something it depends on changed (the vacancies flow, when the answers
// that matching reads do) compares and makes a note there.
func (r *Router) Finally(h func(c *Conv)) { r.finally = append(r.finally, h) }

// Menu adds rows to the menu, after those of flows registered before.
func (r *Router) Menu(rows MenuRows) { r.menus = append(r.menus, rows) }

// Data adds to what /mydata shows, after flows registered before.
func (r *Router) Data(h DataHook) { r.data = append(r.data, h) }

// Welcome makes the greeting of someone who comes back after a while;
// ok false leaves the frame's plain one.
func (r *Router) Welcome(h func(c *Conv) (msg string, ok bool)) { r.welcome = h }

// Contact takes a phone number the person shared (KindContact), wherever
// the conversation is; one flow owns it. Without one, a shared contact is
// answered as media we cannot read.
func (r *Router) Contact(h Handler) {
	if r.contact != nil {
		panic("dialogs: contact handler registered twice")
	}
	r.contact = h
}

// OnForget adds to what /forget's confirmation says it will undo, after
// flows registered before.
func (r *Router) OnForget(h ForgetHook) { r.forgets = append(r.forgets, h) }

// Escape gives the row that offers a way to a person, shown in the menu,
// with help, and wherever someone seems stuck; nil rows offer none.
func (r *Router) Escape(h func(c *Conv) []Button) { r.escape = h }

// Intent makes h the answer to intent typed in words: the keywords are
// the message kw_<intent> of each language (see dialogs.Intent).
func (r *Router) Intent(intent string, h Handler) {
	if _, dup := r.intents[intent]; dup {
		panic(fmt.Sprintf("dialogs: intent %q registered twice", intent))
	}
	r.intents[intent] = h
	r.intentOrder = append(r.intentOrder, intent)
}

// Understand sees typed text that no button, intent or step took (a
// question in the person's own words); done means it answered.
func (r *Router) Understand(h func(c *Conv, text string) (done bool, err error)) {
	r.understand = append(r.understand, h)
}

// button finds the handler of data: the longest registered prefix that is
// the whole of data or followed by ":".
func (r *Router) button(data string) Handler {
	for p := data; ; {
		if h, ok := r.buttons[p]; ok {
			return h
		}
		i := strings.LastIndexByte(p, ':')
		if i < 0 {
			return nil
		}
		p = p[:i]
	}
}

// Routed reports whether a press on data would reach a flow.
func (r *Router) Routed(data string) bool { return r.button(data) != nil }

// SplitData cuts callback data into its verb, first argument and the rest.
func SplitData(data string) (verb, arg, rest string) {
	verb, tail, _ := strings.Cut(data, ":")
	arg, rest, _ = strings.Cut(tail, ":")
	return verb, arg, rest
}
