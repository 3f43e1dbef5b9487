package httpx

// IDPath is the path id of a single-record route.
type IDPath struct {
	ID string `path:"id" format:"uuid" doc:"Record id."`
}

// IDMatch is the path id and If-Match header of an update or delete. It is
// exported so huma sees its fields when it is embedded in an input.
type IDMatch struct {
	ID      string `path:"id" format:"uuid" doc:"Record id."`
	IfMatch string `header:"If-Match" required:"true" doc:"The record's version as an ETag, from its last read."`
}

// One answers a single record with its version as the ETag.
type One[T any] struct {
	ETag string `header:"ETag"`
	Body *T
}

// Versioned is a record pointer that knows its version.
type Versioned[T any] interface {
	*T
	CurrentVersion() int64
}

// Answer wraps a service's (record, error) result as a One answer.
func Answer[T any, PT Versioned[T]](v PT, err error) (*One[T], error) {
	if err != nil {
		return nil, err
	}
	return &One[T]{ETag: ETag(v.CurrentVersion()), Body: (*T)(v)}, nil
}
