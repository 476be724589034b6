from django import forms

from centres.publications.models import MOST_COPIES, Publication
from portal.cases.forms import CaseOpenForm


class PublicationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        stock = "in stock" if obj.in_stock else "out of stock"
        return f"{obj.title} ({obj.code}, {stock})"


class OrderForm(CaseOpenForm):
    publication = PublicationChoiceField(
        queryset=Publication.objects.listed(),
        label="Publication",
        empty_label="Choose a publication",
        error_messages={
            "required": "Choose a publication.",
            "invalid_choice": "Choose a publication from the catalogue.",
        },
    )
    copies = forms.IntegerField(
        label="Copies",
        min_value=1,
        max_value=MOST_COPIES,
        initial=1,
        help_text=f"1 to {MOST_COPIES}.",
        error_messages={
            "required": "Say how many copies.",
            "invalid": "Give the number of copies as a whole number, e.g. 2.",
            "min_value": "Order at least 1 copy.",
            "max_value": f"Order at most {MOST_COPIES} copies.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
