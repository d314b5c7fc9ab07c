package array

import (
	"fmt"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// WriteMember writes the elements of v as the array key of the .npz archive
// z, in C order, with T's dtype in native byte order, as [Write] writes a
// .npy file. The data is streamed in pieces of bounded size, so a view of a
// file larger than memory can be written.
func WriteMember[T Element](z *header.NPZWriter, key string, v View[T]) error {
	dt, err := layout.For[T]()
	if err != nil {
		return fmt.Errorf("array: %w", err)
	}
	w, err := z.Create(key, header.Header{DType: dt, Shape: v.Shape()})
	if err != nil {
		return fmt.Errorf("array: %w", err)
	}
	_, err = WriteRaw(w, v)
	return err
}

// WriteMemberItems writes the items of u as the array key of the .npz
// archive z, in C order, keeping their dtype exactly, as [WriteItems] writes
// a .npy file.
func WriteMemberItems(z *header.NPZWriter, key string, u Items) error {
	w, err := z.Create(key, header.Header{DType: u.dt, Shape: u.Shape()})
	if err != nil {
		return fmt.Errorf("array: %w", err)
	}
	_, err = WriteRawItems(w, u)
	return err
}
