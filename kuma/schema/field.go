package schema

// Kind is what a field holds.
type Kind int

const (
	Object   Kind = iota // known keys only (Fields)
	List                 // a list of Elem
	Map                  // free-form keys, values of Elem (tags)
	String               // a string
	Int                  // an integer
	Number               // any number
	Bool                 // true or false
	Duration             // a Go duration string: 5s, 100ms, 1h
	Any                  // anything: backend conf, structs hmsdev does not model
)

// Field is one node of a type's schema.
type Field struct {
	Kind   Kind
	Fields map[string]*Field // Object
	Elem   *Field            // List, Map
}

func obj(f map[string]*Field) *Field { return &Field{Kind: Object, Fields: f} }
func list(e *Field) *Field           { return &Field{Kind: List, Elem: e} }

var (
	str      = &Field{Kind: String}
	integer  = &Field{Kind: Int}
	number   = &Field{Kind: Number}
	boolean  = &Field{Kind: Bool}
	duration = &Field{Kind: Duration}
	anything = &Field{Kind: Any}
	strMap   = &Field{Kind: Map, Elem: str}
	strList  = list(str)
)

// KindName is how errors name a kind.
func (k Kind) String() string {
	return [...]string{"an object", "a list", "a map", "a string", "an integer", "a number", "true or false", "a duration such as 5s or 100ms", "anything"}[k]
}

// resource adds the fields every resource document carries to top.
func resource(top map[string]*Field) *Field {
	top["type"] = str
	top["name"] = str
	top["creationTime"] = str
	top["modificationTime"] = str
	top["labels"] = strMap
	return obj(top)
}

// policy is a new-style policy: metadata plus spec.
func policy(spec map[string]*Field) *Field {
	spec["targetRef"] = targetRef
	return resource(map[string]*Field{"mesh": str, "spec": obj(spec)})
}

var targetRef = obj(map[string]*Field{
	"kind": str, "name": str, "mesh": str, "tags": strMap, "proxyTypes": strList,
})

// toFrom is a policy's `to:` or `from:` list with its per-entry default.
func toFrom(def *Field) *Field {
	return list(obj(map[string]*Field{"targetRef": targetRef, "default": def}))
}
