package schema

import (
	"errors"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// cty's conversion of a tuple or an object to a list, set or map finds
// the elements' common type by comparing every element type with every
// other, so converting 20,000 elements takes seconds and 250,000 take
// hours. convertValue and convertType give the same results in time
// proportional to the elements: they compare each element type only with
// the distinct types seen so far, and convert element by element.

// maxDistinctTypes bounds how many different element types a collection
// built from a tuple or object may combine.
const maxDistinctTypes = 64

// errTooManyTypes is returned for a collection of more than
// maxDistinctTypes different element types.
var errTooManyTypes = fmt.Errorf("the elements have more than %d different types, too many to combine into one; give them the same type", maxDistinctTypes)

// convertValue converts val to want, as convert.Convert does.
func convertValue(val cty.Value, want cty.Type) (cty.Value, error) {
	got := val.Type()
	if got.Equals(want.WithoutOptionalAttributesDeep()) || want == cty.DynamicPseudoType {
		return val, nil
	}
	if val.IsMarked() || !want.IsCollectionType() || !(got.IsTupleType() || got.IsObjectType() || got.IsCollectionType()) {
		return convert.Convert(val, want)
	}
	if !val.IsKnown() || val.IsNull() {
		ty, err := convertType(got, want)
		if err != nil {
			return cty.NilVal, err
		}
		return convert.Convert(val, ty)
	}
	ety := want.ElementType()
	if ety.HasDynamicTypes() {
		var err error
		if ety, err = commonElementType(got, ety); err != nil {
			return cty.NilVal, err
		}
	}
	switch {
	case want.IsMapType() && (got.IsObjectType() || got.IsMapType()):
		elems := make(map[string]cty.Value, val.LengthInt())
		for it := val.ElementIterator(); it.Next(); {
			k, v := it.Element()
			conv, err := convertValue(v, ety)
			if err != nil {
				return cty.NilVal, fmt.Errorf("element %q: %w", k.AsString(), err)
			}
			elems[k.AsString()] = conv
		}
		if len(elems) == 0 {
			return cty.MapValEmpty(ety), nil
		}
		return cty.MapVal(elems), nil
	case (want.IsListType() || want.IsSetType()) && !got.IsObjectType() && !got.IsMapType():
		elems := make([]cty.Value, 0, val.LengthInt())
		for it := val.ElementIterator(); it.Next(); {
			_, v := it.Element()
			conv, err := convertValue(v, ety)
			if err != nil {
				return cty.NilVal, fmt.Errorf("element %d: %w", len(elems), err)
			}
			elems = append(elems, conv)
		}
		switch {
		case want.IsListType() && len(elems) == 0:
			return cty.ListValEmpty(ety), nil
		case want.IsListType():
			return cty.ListVal(elems), nil
		case len(elems) == 0:
			return cty.SetValEmpty(ety), nil
		}
		return cty.SetVal(elems), nil
	}
	return convert.Convert(val, want)
}

// convertType returns the type convertValue gives a value of type got
// converted to want, or the reason it cannot be converted.
func convertType(got, want cty.Type) (cty.Type, error) {
	if want.IsCollectionType() && want.ElementType().HasDynamicTypes() && (got.IsTupleType() || got.IsObjectType()) {
		ety, err := commonElementType(got, want.ElementType())
		if err != nil {
			return cty.NilType, err
		}
		switch {
		case want.IsListType():
			want = cty.List(ety)
		case want.IsSetType():
			want = cty.Set(ety)
		default:
			want = cty.Map(ety)
		}
	}
	conv := convert.GetConversionUnsafe(got, want)
	if conv == nil {
		return cty.NilType, errors.New(convert.MismatchMessage(got, want))
	}
	if !want.HasDynamicTypes() {
		return want, nil
	}
	out, err := conv(cty.UnknownVal(got))
	if err != nil {
		return cty.NilType, err
	}
	return out.Type(), nil
}

// commonElementType returns the type the elements of a tuple, object or
// collection of type got take in a collection whose element type is
// constrained by ety (which has dynamic parts): the types unified, each
// distinct type once.
func commonElementType(got, ety cty.Type) (cty.Type, error) {
	var elemTypes []cty.Type
	switch {
	case got.IsTupleType():
		elemTypes = got.TupleElementTypes()
	case got.IsObjectType():
		attrs := got.AttributeTypes()
		for _, name := range sortedKeys(attrs) {
			elemTypes = append(elemTypes, attrs[name])
		}
	default:
		elemTypes = []cty.Type{got.ElementType()}
	}
	var distinct []cty.Type
	for _, t := range elemTypes {
		seen := false
		for _, d := range distinct {
			if seen = d.Equals(t); seen {
				break
			}
		}
		if !seen {
			if len(distinct) == maxDistinctTypes {
				return cty.NilType, errTooManyTypes
			}
			distinct = append(distinct, t)
		}
	}
	if len(distinct) == 0 {
		return ety, nil // an empty collection: cty leaves the type open
	}
	unified, _ := convert.UnifyUnsafe(distinct)
	if unified == cty.NilType {
		return cty.NilType, errors.New("all elements must have the same type, or types that convert to one")
	}
	if ety == cty.DynamicPseudoType {
		return unified, nil
	}
	return convertType(unified, ety)
}
